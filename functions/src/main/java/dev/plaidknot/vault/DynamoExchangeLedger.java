package dev.plaidknot.vault;

import dev.plaidknot.api.DependencyUnavailable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** {@link ExchangeLedger} as records {@code pk=EXCHANGE#<sha256>, sk=EXCHANGE} in the tokens table. */
public final class DynamoExchangeLedger implements ExchangeLedger {

    /** Long past a public token's 30 minutes: a late retry still finds its first answer. */
    static final Duration RETENTION = Duration.ofDays(1);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoExchangeLedger(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    private static Map<String, AttributeValue> key(String tokenHash) {
        return Map.of("pk", AttributeValue.fromS("EXCHANGE#" + tokenHash), "sk", AttributeValue.fromS("EXCHANGE"));
    }

    @Override
    public Claim claim(String tokenHash, String userId, Instant leaseUntil) {
        Map<String, AttributeValue> record = new HashMap<>(key(tokenHash));
        record.put("record_type", AttributeValue.fromS("exchange"));
        record.put("user_id", AttributeValue.fromS(userId));
        record.put("lease_until", millis(leaseUntil));
        record.put("created_at", AttributeValue.fromS(clock.instant().toString()));
        record.put("expires_at", AttributeValue.fromN(Long.toString(clock.instant().plus(RETENTION).getEpochSecond())));
        try {
            dynamo.putItem(p -> p.tableName(table).item(record)
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Claim.Won();
        } catch (ConditionalCheckFailedException taken) {
            if (taken.hasItem() && !taken.item().isEmpty()) {
                return new Claim.Taken(entry(taken.item()));
            }
            return read(tokenHash).<Claim>map(Claim.Taken::new)
                    .orElseGet(() -> claim(tokenHash, userId, leaseUntil));
        } catch (SdkException e) {
            throw DependencyUnavailable.from("dynamodb", e);
        }
    }

    @Override
    public Optional<Entry> read(String tokenHash) {
        Map<String, AttributeValue> item = call(() -> dynamo.getItem(g -> g.tableName(table).key(key(tokenHash))
                .consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(entry(item));
    }

    @Override
    public boolean takeOver(String tokenHash, Instant expiredLease, Instant newLease) {
        try {
            dynamo.updateItem(u -> u.tableName(table).key(key(tokenHash))
                    .updateExpression("SET lease_until = :new")
                    .conditionExpression("lease_until = :old AND attribute_not_exists(#result)")
                    .expressionAttributeNames(Map.of("#result", "result"))
                    .expressionAttributeValues(Map.of(":new", millis(newLease), ":old", millis(expiredLease))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        } catch (SdkException e) {
            throw DependencyUnavailable.from("dynamodb", e);
        }
    }

    @Override
    public void recordItem(String tokenHash, String itemId) {
        call(() -> dynamo.updateItem(u -> u.tableName(table).key(key(tokenHash))
                .updateExpression("SET item_id = :item")
                .expressionAttributeValues(Map.of(":item", AttributeValue.fromS(itemId)))));
    }

    @Override
    public void complete(String tokenHash, String resultJson) {
        call(() -> dynamo.updateItem(u -> u.tableName(table).key(key(tokenHash))
                .updateExpression("SET #result = :result, completed_at = :now")
                .expressionAttributeNames(Map.of("#result", "result"))
                .expressionAttributeValues(Map.of(":result", AttributeValue.fromS(resultJson),
                        ":now", AttributeValue.fromS(clock.instant().toString())))));
    }

    @Override
    public void release(String tokenHash) {
        call(() -> dynamo.deleteItem(d -> d.tableName(table).key(key(tokenHash))));
    }

    @Override
    public void abandon(String tokenHash) {
        call(() -> dynamo.updateItem(u -> u.tableName(table).key(key(tokenHash))
                .updateExpression("SET lease_until = :expired")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":expired", millis(Instant.EPOCH)))));
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        return new Entry(
                item.get("user_id").s(),
                item.containsKey("item_id") ? item.get("item_id").s() : null,
                item.containsKey("result") ? item.get("result").s() : null,
                Instant.ofEpochMilli(Long.parseLong(item.get("lease_until").n())));
    }

    private static AttributeValue millis(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
    }

    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw DependencyUnavailable.from("dynamodb", e);
        }
    }
}
