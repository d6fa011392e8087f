package dev.plaidknot.vault;

import static dev.plaidknot.vault.DynamoAttributes.s;
import static dev.plaidknot.vault.DynamoAttributes.text;

import dev.plaidknot.aws.AwsFailures;
import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.domain.Refusal.UnknownCursor;
import dev.plaidknot.upstream.DependencyUnavailable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The single-table layout of DESIGN: everything of a user under {@code pk=USER#<sub>}. Item
 * records also carry {@code plaid_item_id} (key of {@value #ITEM_OWNER_INDEX}, so webhooks can
 * find an item's owner) and {@code items_pk}/{@code items_sk} (keys of
 * {@value #ITEMS_BY_CREATION_INDEX}, so a user's items list newest first, a page at a time).
 */
public final class DynamoTokenVault implements TokenVault {

    public static final String ITEM_OWNER_INDEX = "ItemOwnerIndex";
    public static final String ITEMS_BY_CREATION_INDEX = "UserItemsByCreation";

    /** A page cursor is the last item's {@code items_sk}: creation time, then item id. */
    private static final Pattern CURSOR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z#[A-Za-z0-9_-]{1,128}");
    /** What a view of the user's items and accounts reads of each record: never a ciphertext. */
    private static final List<String> PARTITION_VIEW = List.of("record_type", "item_id", "items_sk", "institution_id",
            "institution_name", "status", "status_reason", "created_at", "account_id", "name", "mask", "type",
            "subtype", "processor_token_status");
    /** A transaction holds at most 100 actions. */
    private static final int TRANSACTION_LIMIT = 100;
    /** A transaction's cancellation reason codes: the record whose condition failed, and the records that did not fail. */
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final String NO_FAILURE = "None";

    private final DynamoDbClient dynamo;
    private final String table;
    private final TokenCipher cipher;
    private final Clock clock;
    /** Bounds the item's write, and (the cipher is built with the same) its encryption. */
    private final Duration storeCallTimeout;

    public DynamoTokenVault(DynamoDbClient dynamo, String table, TokenCipher cipher, Clock clock,
                            Duration storeCallTimeout) {
        this.dynamo = dynamo;
        this.table = table;
        this.cipher = cipher;
        this.clock = clock;
        this.storeCallTimeout = storeCallTimeout;
    }

    public static String userKey(String userId) {
        return "USER#" + userId;
    }

    public static String itemKey(String itemId) {
        return "ITEM#" + itemId;
    }

    public static String accountKey(String itemId, String accountId) {
        return accountPrefix(itemId) + accountId;
    }

    private static String accountPrefix(String itemId) {
        // The trailing marker keeps item "abc" from matching the accounts of item "abcd".
        return itemKey(itemId) + "#ACCOUNT#";
    }

    @Override
    public void saveItem(String userId, NewItem item, String accessToken, HeldExchange exchange) {
        byte[] ciphertext = cipher.encrypt(accessToken, EncryptionContexts.accessToken(userId, item.itemId()));
        String now = clock.instant().toString();
        Map<String, AttributeValue> record = new HashMap<>();
        record.put("pk", s(userKey(userId)));
        record.put("sk", s(itemKey(item.itemId())));
        record.put("record_type", s("item"));
        record.put("item_id", s(item.itemId()));
        record.put("plaid_item_id", s(item.itemId()));
        record.put("items_pk", s(userKey(userId)));
        record.put("items_sk", s(now + "#" + item.itemId()));
        putIfPresent(record, "institution_id", item.institutionId());
        putIfPresent(record, "institution_name", item.institutionName());
        record.put("status", s("healthy"));
        record.put("access_token_ciphertext", AttributeValue.fromB(SdkBytes.fromByteArray(ciphertext)));
        record.put("created_at", s(now));
        record.put("updated_at", s(now));
        // The item and the exchange record's item id land together: a crash between two writes
        // would leave an item the exchange's retry cannot find.
        List<TransactWriteItem> writes = List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(record)
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                TransactWriteItem.builder().update(DynamoExchangeLedger.itemRecorded(table, exchange.tokenHash(),
                        userId, exchange.leaseOwner(), item.itemId())).build());
        // One token for every try: DynamoDB answers a retried transaction with the first one's outcome.
        String requestToken = UUID.randomUUID().toString();
        try {
            dynamo.transactWriteItems(t -> t.transactItems(writes).clientRequestToken(requestToken)
                    .overrideConfiguration(o -> o.apiCallTimeout(storeCallTimeout)));
        } catch (TransactionCanceledException | TransactionInProgressException refused) {
            // Where a retry's answer is not the first one's (an emulator, a try still in flight), the
            // exchange record, read back, tells whether the item landed.
            Map<String, AttributeValue> ledger = call(() -> dynamo.getItem(g -> g.tableName(table)
                    .key(DynamoExchangeLedger.key(exchange.tokenHash())).consistentRead(true))).item();
            boolean landed = ledger != null && !ledger.isEmpty()
                    && item.itemId().equals(text(ledger, "item_id"))
                    && exchange.leaseOwner().equals(text(ledger, "lease_owner"));
            if (!landed) {
                throw new DependencyUnavailable("dynamodb", refused.getClass().getSimpleName(), refused.requestId());
            }
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    @Override
    public Duration saveItemWorstCase() {
        // The encryption and the write, each bounded by the same setting.
        return storeCallTimeout.multipliedBy(2);
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
        String expression = set;
        call(() -> dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(key(userKey(userId), itemKey(itemId)))
                .updateExpression(expression)
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(values)
                .build()));
    }

    @Override
    public SealedAccount sealAccount(String userId, String itemId, BankAccount account, ProcessorTokenOutcome outcome) {
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
        record.put("status", s("active"));
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
        return new SealedRecord(account, outcome.status(), Map.copyOf(record));
    }

    /** An account record as it will be written, its processor token encrypted. */
    private record SealedRecord(BankAccount account, String processorTokenStatus, Map<String, AttributeValue> record)
            implements SealedAccount {
        @Override
        public String toString() {
            return "SealedRecord[account_id=" + account.accountId() + ", status=" + processorTokenStatus + "]";
        }
    }

    /**
     * One transaction per hundred accounts (DynamoDB's limit), each record with its own condition.
     * A batch write would be one round trip too, but it cannot hold a condition, and a refill must
     * never write over a created token or a revoked account. The price: a transaction of n records
     * costs 2n write units, where n puts would cost n.
     */
    @Override
    public Map<String, String> saveAccounts(String userId, String itemId, List<SealedAccount> accounts) {
        Map<String, String> stored = new HashMap<>();
        for (int from = 0; from < accounts.size(); from += TRANSACTION_LIMIT) {
            stored.putAll(writeTogether(userId, itemId,
                    accounts.subList(from, Math.min(accounts.size(), from + TRANSACTION_LIMIT))));
        }
        return stored;
    }

    /**
     * Writes the records in one transaction. A record whose condition fails cancels the whole
     * transaction; DynamoDB says which record it was and hands back what is stored there, so that
     * record stands and the rest are written again, until every record is written or kept.
     */
    private Map<String, String> writeTogether(String userId, String itemId, List<SealedAccount> accounts) {
        String now = clock.instant().toString();
        // Tells this request's records from another's when a condition fails: a try whose answer was
        // lost, sent again by the SDK, finds its own records in place.
        String writeId = UUID.randomUUID().toString();
        Map<String, SealedRecord> pending = new LinkedHashMap<>();
        for (SealedAccount sealed : accounts) {
            SealedRecord own = (SealedRecord) sealed;
            Map<String, AttributeValue> record = new HashMap<>(own.record());
            record.put("created_at", s(now));
            record.put("updated_at", s(now));
            record.put("write_id", s(writeId));
            pending.put(own.account().accountId(), new SealedRecord(own.account(), own.processorTokenStatus(), record));
        }
        Map<String, String> stored = new HashMap<>();
        // Each round either writes everything left or sets at least one record aside, so it ends.
        while (!pending.isEmpty()) {
            List<SealedRecord> round = List.copyOf(pending.values());
            List<TransactWriteItem> writes = round.stream().map(r -> TransactWriteItem.builder().put(Put.builder()
                    .tableName(table).item(r.record())
                    // A refill replaces only a failed token, never a created one or a revoked account.
                    .conditionExpression("attribute_not_exists(pk) OR (processor_token_status = :failed"
                            + " AND #status <> :revoked)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":failed", s("failed"), ":revoked", s("revoked")))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()).build()).toList();
            // One token for every try of this round: DynamoDB answers a retried transaction with the first one's outcome.
            String requestToken = UUID.randomUUID().toString();
            try {
                dynamo.transactWriteItems(t -> t.transactItems(writes).clientRequestToken(requestToken)
                        .overrideConfiguration(o -> o.apiCallTimeout(storeCallTimeout)));
                round.forEach(r -> stored.put(r.account().accountId(), r.processorTokenStatus()));
                pending.clear();
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons()
                        : List.of();
                if (reasons.size() != round.size() || reasons.stream().anyMatch(r -> !CONDITION_FAILED.equals(r.code())
                        && !NO_FAILURE.equals(r.code()))) {
                    // A conflict with another write, throttling, a validation error: nothing was written.
                    throw new DependencyUnavailable("dynamodb", cancellationCodes(reasons), cancelled.requestId());
                }
                for (int i = 0; i < round.size(); i++) {
                    if (CONDITION_FAILED.equals(reasons.get(i).code())) {
                        String accountId = round.get(i).account().accountId();
                        Map<String, AttributeValue> there = reasons.get(i).hasItem() ? reasons.get(i).item()
                                : storedAccount(userId, itemId, accountId);
                        stored.put(accountId, writeId.equals(text(there, "write_id"))
                                ? round.get(i).processorTokenStatus() : text(there, "processor_token_status"));
                        pending.remove(accountId);
                    }
                }
            } catch (TransactionInProgressException inFlight) {
                // An earlier try of this round is still being applied: what is stored tells whether it landed.
                for (SealedRecord r : round) {
                    Map<String, AttributeValue> there = storedAccount(userId, itemId, r.account().accountId());
                    if (!writeId.equals(text(there, "write_id"))) {
                        throw new DependencyUnavailable("dynamodb", "TransactionInProgress", inFlight.requestId());
                    }
                    stored.put(r.account().accountId(), r.processorTokenStatus());
                }
                pending.clear();
            } catch (SdkException e) {
                throw AwsFailures.unavailable("dynamodb", e);
            }
        }
        return stored;
    }

    private Map<String, AttributeValue> storedAccount(String userId, String itemId, String accountId) {
        return call(() -> dynamo.getItem(g -> g.tableName(table)
                .key(key(userKey(userId), accountKey(itemId, accountId)))
                .projectionExpression("write_id, processor_token_status")
                .consistentRead(true))).item();
    }

    private static String cancellationCodes(List<CancellationReason> reasons) {
        return reasons.stream().map(CancellationReason::code).filter(c -> !NO_FAILURE.equals(c)).distinct()
                .collect(Collectors.joining(",", "TransactionCanceled:", ""));
    }

    @Override
    public Optional<String> accessToken(String userId, String itemId) {
        Map<String, AttributeValue> record = call(() -> dynamo.getItem(g -> g
                .tableName(table)
                .key(key(userKey(userId), itemKey(itemId)))
                .projectionExpression("access_token_ciphertext")
                .consistentRead(true))).item();
        if (record == null || !record.containsKey("access_token_ciphertext")) {
            return Optional.empty();
        }
        return Optional.of(cipher.decrypt(record.get("access_token_ciphertext").b().asByteArray(),
                EncryptionContexts.accessToken(userId, itemId)));
    }

    @Override
    public Optional<ItemView> item(String userId, String itemId) {
        Map<String, AttributeValue> record = call(() -> dynamo.getItem(g -> g
                .tableName(table)
                .key(key(userKey(userId), itemKey(itemId)))
                .projectionExpression("item_id, institution_id, institution_name, #s, status_reason, created_at")
                .expressionAttributeNames(Map.of("#s", "status"))
                .consistentRead(true))).item();
        if (record == null || record.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(view(userId, record));
    }

    private ItemView view(String userId, Map<String, AttributeValue> record) {
        return view(record, accounts(userId, text(record, "item_id")));
    }

    private static ItemView view(Map<String, AttributeValue> record, List<AccountView> accounts) {
        return new ItemView(text(record, "item_id"), text(record, "institution_id"), text(record, "institution_name"),
                text(record, "status"), text(record, "status_reason"), text(record, "created_at"), accounts);
    }

    private static AccountView accountView(Map<String, AttributeValue> record) {
        return new AccountView(new BankAccount(text(record, "account_id"), text(record, "name"), text(record, "mask"),
                text(record, "type"), text(record, "subtype")), text(record, "status"), text(record, "processor_token_status"));
    }

    /** The account records among {@code records}, by item id. */
    private static Map<String, List<AccountView>> accountsByItem(List<Map<String, AttributeValue>> records) {
        Map<String, List<AccountView>> byItem = new HashMap<>();
        for (Map<String, AttributeValue> record : records) {
            if ("account".equals(text(record, "record_type"))) {
                byItem.computeIfAbsent(text(record, "item_id"), id -> new ArrayList<>()).add(accountView(record));
            }
        }
        return byItem;
    }

    @Override
    public List<ItemView> itemsNewestFirst(String userId) {
        List<Map<String, AttributeValue>> records = queryPartition(userId, "ITEM#", false, PARTITION_VIEW);
        Map<String, List<AccountView>> byItem = accountsByItem(records);
        return records.stream()
                .filter(r -> "item".equals(text(r, "record_type")))
                .sorted(Comparator.comparing((Map<String, AttributeValue> r) -> text(r, "items_sk"),
                        Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .map(r -> view(r, byItem.getOrDefault(text(r, "item_id"), List.of())))
                .toList();
    }

    @Override
    public Optional<AccountRef> account(String userId, String accountId) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> dynamo.query(q -> q
                    .tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :items)")
                    .filterExpression("record_type = :account AND account_id = :id")
                    .expressionAttributeValues(Map.of(":pk", s(userKey(userId)), ":items", s("ITEM#"),
                            ":account", s("account"), ":id", s(accountId)))
                    .consistentRead(true)
                    .exclusiveStartKey(from)));
            if (!page.items().isEmpty()) {
                Map<String, AttributeValue> record = page.items().getFirst();
                return Optional.of(new AccountRef(text(record, "item_id"), accountId, text(record, "status"),
                        text(record, "processor_token_status")));
            }
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return Optional.empty();
    }

    @Override
    public Optional<String> processorToken(String userId, String itemId, String accountId) {
        Map<String, AttributeValue> record = call(() -> dynamo.getItem(g -> g
                .tableName(table)
                .key(key(userKey(userId), accountKey(itemId, accountId)))
                .projectionExpression("processor_token_ciphertext")
                .consistentRead(true))).item();
        if (record == null || !record.containsKey("processor_token_ciphertext")) {
            return Optional.empty();
        }
        return Optional.of(cipher.decrypt(record.get("processor_token_ciphertext").b().asByteArray(),
                EncryptionContexts.processorToken(userId, itemId, accountId)));
    }

    @Override
    public ItemPage listItems(String userId, int limit, String cursor) {
        Map<String, AttributeValue> values = Map.of(":pk", s(userKey(userId)));
        Map<String, AttributeValue> start = cursor == null ? null : startKey(userId, cursor);
        QueryResponse page = call(() -> dynamo.query(q -> q
                .tableName(table)
                .indexName(ITEMS_BY_CREATION_INDEX)
                .keyConditionExpression("items_pk = :pk")
                .expressionAttributeValues(values)
                .scanIndexForward(false)
                .limit(limit)
                .exclusiveStartKey(start)));
        // The page's accounts in one more query, not one per item.
        Map<String, List<AccountView>> accounts = page.items().isEmpty() ? Map.of()
                : accountsByItem(queryPartition(userId, "ITEM#", true, PARTITION_VIEW));
        List<ItemView> items = new ArrayList<>();
        for (Map<String, AttributeValue> record : page.items()) {
            items.add(view(record, accounts.getOrDefault(text(record, "item_id"), List.of())));
        }
        String next = page.hasLastEvaluatedKey() && page.lastEvaluatedKey().containsKey("items_sk")
                ? encodeCursor(page.lastEvaluatedKey().get("items_sk").s())
                : null;
        return new ItemPage(items, next);
    }

    @Override
    public void deleteItem(String userId, String itemId) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(accountKeys(userId, itemId));
        // The item record goes last: while any account remains, the item is still there to retry on.
        keys.add(key(userKey(userId), itemKey(itemId)));
        for (int from = 0; from < keys.size(); from += TRANSACTION_LIMIT) {
            List<TransactWriteItem> deletes = keys.subList(from, Math.min(keys.size(), from + TRANSACTION_LIMIT))
                    .stream()
                    .map(k -> TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(k).build()).build())
                    .toList();
            call(() -> dynamo.transactWriteItems(t -> t.transactItems(deletes)));
        }
    }

    @Override
    public Optional<String> ownerOf(String itemId) {
        QueryResponse found = call(() -> dynamo.query(q -> q
                .tableName(table)
                .indexName(ITEM_OWNER_INDEX)
                .keyConditionExpression("plaid_item_id = :id")
                .expressionAttributeValues(Map.of(":id", s(itemId)))
                .limit(1)));
        return found.items().stream()
                .map(r -> r.get("pk").s())
                .filter(pk -> pk.startsWith("USER#"))
                .map(pk -> pk.substring("USER#".length()))
                .findFirst();
    }

    @Override
    public boolean applyItemStatus(String userId, String itemId, StatusEvent event) {
        return applyStatus(key(userKey(userId), itemKey(itemId)), event);
    }

    @Override
    public boolean applyAccountStatus(String userId, String itemId, String accountId, StatusEvent event) {
        return applyStatus(key(userKey(userId), accountKey(itemId, accountId)), event);
    }

    private boolean applyStatus(Map<String, AttributeValue> key, StatusEvent event) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", s(event.status()));
        values.put(":at", AttributeValue.fromN(Long.toString(event.at())));
        values.put(":id", s(event.eventId()));
        values.put(":now", s(clock.instant().toString()));
        String update = "SET #status = :status, status_event_at = :at, status_event_id = :id, updated_at = :now";
        // Only a change is written: the same state again (a replay, a webhook re-read from Plaid) is no event.
        String changes;
        if (event.reason() != null) {
            values.put(":reason", s(event.reason()));
            update += ", status_reason = :reason";
            changes = "(#status <> :status OR attribute_not_exists(status_reason) OR status_reason <> :reason)";
        } else {
            update += " REMOVE status_reason";
            changes = "(#status <> :status OR attribute_exists(status_reason))";
        }
        String expression = update;
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression(expression)
                    // Only a newer event applies: a replay or a late, older delivery changes nothing.
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(status_event_at)"
                            + " OR status_event_at < :at OR (status_event_at = :at AND status_event_id <> :id))"
                            + " AND " + changes)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException stale) {
            return false;
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    private List<AccountView> accounts(String userId, String itemId) {
        List<AccountView> accounts = new ArrayList<>();
        for (Map<String, AttributeValue> record : queryAccounts(userId, itemId, List.of("account_id", "name", "mask",
                "type", "subtype", "status", "processor_token_status"))) {
            accounts.add(accountView(record));
        }
        return accounts;
    }

    private List<Map<String, AttributeValue>> accountKeys(String userId, String itemId) {
        return queryAccounts(userId, itemId, List.of("pk", "sk")).stream()
                .map(r -> key(r.get("pk").s(), r.get("sk").s()))
                .toList();
    }

    private List<Map<String, AttributeValue>> queryAccounts(String userId, String itemId, List<String> attributes) {
        return queryPartition(userId, accountPrefix(itemId), false, attributes);
    }

    /**
     * The user's records whose sort key starts with {@code prefix} (only the account records when
     * {@code accountsOnly}; then {@code attributes} must start with {@code record_type}), these
     * attributes of each, every page: one request unless DynamoDB's 1 MB page is passed.
     */
    private List<Map<String, AttributeValue>> queryPartition(String userId, String prefix, boolean accountsOnly,
                                                             List<String> attributes) {
        // Every name through a placeholder: several (name, type, status, subtype) are DynamoDB reserved words.
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < attributes.size(); i++) {
            names.put("#a" + i, attributes.get(i));
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(userKey(userId)), ":prefix", s(prefix)));
        if (accountsOnly) {
            values.put(":account", s("account"));
        }
        String projection = String.join(", ", names.keySet().stream().sorted().toList());
        List<Map<String, AttributeValue>> records = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> dynamo.query(q -> {
                q.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(values)
                        .projectionExpression(projection)
                        .expressionAttributeNames(names)
                        .consistentRead(true)
                        .exclusiveStartKey(from);
                if (accountsOnly) {
                    q.filterExpression("#a0 = :account");
                }
            }));
            records.addAll(page.items());
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return records;
    }

    private static Map<String, AttributeValue> startKey(String userId, String cursor) {
        String itemsSk;
        try {
            itemsSk = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UnknownCursor();
        }
        if (!CURSOR.matcher(itemsSk).matches()) {
            throw new UnknownCursor();
        }
        String itemId = itemsSk.substring(itemsSk.indexOf('#') + 1);
        // Rebuilt from the caller's own key: a cursor cannot lead into another user's partition.
        Map<String, AttributeValue> start = new HashMap<>(key(userKey(userId), itemKey(itemId)));
        start.put("items_pk", s(userKey(userId)));
        start.put("items_sk", s(itemsSk));
        return start;
    }

    private static String encodeCursor(String itemsSk) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(itemsSk.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T call(Supplier<T> request) {
        return AwsFailures.calling("dynamodb", request);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    private static void putIfPresent(Map<String, AttributeValue> record, String name, String value) {
        if (value != null && !value.isEmpty()) {
            record.put(name, s(value));
        }
    }
}
