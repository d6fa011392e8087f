package dev.plaidknot.vault;

import dev.plaidknot.api.DependencyUnavailable;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The single-table layout of DESIGN: everything of a user under {@code pk=USER#<sub>}, so one
 * query returns a user's whole picture; item records also carry {@code plaid_item_id}, the key
 * of the index that webhooks use to find an item's owner.
 */
public final class DynamoTokenVault implements TokenVault {

    public static final String ITEM_OWNER_INDEX = "ItemOwnerIndex";

    private final DynamoDbClient dynamo;
    private final String table;
    private final TokenCipher cipher;
    private final Clock clock;

    public DynamoTokenVault(DynamoDbClient dynamo, String table, TokenCipher cipher, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.cipher = cipher;
        this.clock = clock;
    }

    public static String userKey(String userId) {
        return "USER#" + userId;
    }

    public static String itemKey(String itemId) {
        return "ITEM#" + itemId;
    }

    public static String accountKey(String itemId, String accountId) {
        return itemKey(itemId) + "#ACCOUNT#" + accountId;
    }

    @Override
    public void saveItem(String userId, NewItem item, String accessToken) {
        byte[] ciphertext = cipher.encrypt(accessToken, EncryptionContexts.accessToken(userId, item.itemId()));
        String now = clock.instant().toString();
        Map<String, AttributeValue> record = new HashMap<>();
        record.put("pk", s(userKey(userId)));
        record.put("sk", s(itemKey(item.itemId())));
        record.put("record_type", s("item"));
        record.put("item_id", s(item.itemId()));
        record.put("plaid_item_id", s(item.itemId()));
        putIfPresent(record, "institution_id", item.institutionId());
        putIfPresent(record, "institution_name", item.institutionName());
        record.put("status", s("healthy"));
        record.put("access_token_ciphertext", AttributeValue.fromB(SdkBytes.fromByteArray(ciphertext)));
        record.put("created_at", s(now));
        record.put("updated_at", s(now));
        put(PutItemRequest.builder()
                .tableName(table)
                .item(record)
                .conditionExpression("attribute_not_exists(pk)")
                .build());
    }

    @Override
    public void recordInstitution(String userId, String itemId, String institutionId, String institutionName) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":id", s(institutionId));
        values.put(":now", s(clock.instant().toString()));
        String set = "SET institution_id = :id, updated_at = :now";
        if (institutionName != null) {
            values.put(":name", s(institutionName));
            set += ", institution_name = :name";
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of("pk", s(userKey(userId)), "sk", s(itemKey(itemId))))
                    .updateExpression(set)
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(values)
                    .build());
        } catch (SdkException e) {
            throw DependencyUnavailable.from("dynamodb", e);
        }
    }

    @Override
    public void saveAccount(String userId, String itemId, NewAccount account, ProcessorTokenOutcome outcome) {
        Map<String, AttributeValue> record = new HashMap<>();
        record.put("pk", s(userKey(userId)));
        record.put("sk", s(accountKey(itemId, account.accountId())));
        record.put("record_type", s("account"));
        record.put("item_id", s(itemId));
        record.put("account_id", s(account.accountId()));
        putIfPresent(record, "name", account.name());
        putIfPresent(record, "mask", account.mask());
        putIfPresent(record, "type", account.type());
        putIfPresent(record, "subtype", account.subtype());
        record.put("processor", s("knot"));
        record.put("processor_token_status", s(outcome.status()));
        switch (outcome) {
            case ProcessorTokenOutcome.Created created -> {
                byte[] ciphertext = cipher.encrypt(created.processorToken(),
                        EncryptionContexts.processorToken(userId, itemId, account.accountId()));
                record.put("processor_token_ciphertext", AttributeValue.fromB(SdkBytes.fromByteArray(ciphertext)));
            }
            case ProcessorTokenOutcome.Failed failed -> putIfPresent(record, "processor_error_code", failed.plaidErrorCode());
        }
        String now = clock.instant().toString();
        record.put("created_at", s(now));
        record.put("updated_at", s(now));
        put(PutItemRequest.builder().tableName(table).item(record).build());
    }

    private void put(PutItemRequest request) {
        try {
            dynamo.putItem(request);
        } catch (SdkException e) {
            throw DependencyUnavailable.from("dynamodb", e);
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> record, String name, String value) {
        if (value != null && !value.isEmpty()) {
            record.put(name, s(value));
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
