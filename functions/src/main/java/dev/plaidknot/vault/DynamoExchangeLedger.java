package dev.plaidknot.vault;

import dev.plaidknot.aws.AwsFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link ExchangeLedger} as records {@code pk=EXCHANGE#<sha256>, sk=EXCHANGE} in the tokens table.
 *
 * <p>The SDK retries a request whose answer was lost; a conditional write that had landed then
 * fails its own condition. So on every failed condition the record is read back (from the
 * failure's old image, else a consistent read) and the lease owner decides: ours means it landed.
 */
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

    static Map<String, AttributeValue> key(String tokenHash) {
        return Map.of("pk", AttributeValue.fromS("EXCHANGE#" + tokenHash), "sk", AttributeValue.fromS("EXCHANGE"));
    }

    /**
     * The ledger's half of storing an item: its id on the record, only while {@code leaseOwner}
     * holds it. The vault writes it in one transaction with the item, so no crash can leave an
     * item the ledger does not know.
     */
    static Update itemRecorded(String table, String tokenHash, String userId, String leaseOwner, String itemId) {
        return Update.builder().tableName(table).key(key(tokenHash))
                .updateExpression("SET item_id = :item")
                .conditionExpression("lease_owner = :me AND user_id = :user")
                .expressionAttributeValues(Map.of(":item", AttributeValue.fromS(itemId),
                        ":me", AttributeValue.fromS(leaseOwner), ":user", AttributeValue.fromS(userId)))
                .build();
    }

    @Override
    public Claim claim(String tokenHash, String userId, List<String> selectedAccountIds, Lease lease) {
        Map<String, AttributeValue> record = new HashMap<>(key(tokenHash));
        record.put("record_type", AttributeValue.fromS("exchange"));
        record.put("user_id", AttributeValue.fromS(userId));
        record.put("selected_account_ids",
                AttributeValue.fromL(selectedAccountIds.stream().map(AttributeValue::fromS).toList()));
        record.put("lease_owner", AttributeValue.fromS(lease.owner()));
        record.put("lease_until", millis(lease.until()));
        record.put("created_at", AttributeValue.fromS(clock.instant().toString()));
        record.put("expires_at", AttributeValue.fromN(Long.toString(clock.instant().plus(RETENTION).getEpochSecond())));
        try {
            dynamo.putItem(p -> p.tableName(table).item(record)
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Claim.Won();
        } catch (ConditionalCheckFailedException taken) {
            Optional<Entry> there = oldImage(taken).or(() -> read(tokenHash));
            if (there.isEmpty()) {
                return claim(tokenHash, userId, selectedAccountIds, lease); // let go meanwhile: claim again
            }
            return lease.owner().equals(there.get().leaseOwner()) ? new Claim.Won() : new Claim.Taken(there.get());
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    @Override
    public Optional<Entry> read(String tokenHash) {
        Map<String, AttributeValue> item = call(() -> dynamo.getItem(g -> g.tableName(table).key(key(tokenHash))
                .consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(entry(item));
    }

    @Override
    public boolean takeOver(String tokenHash, Entry seen, Lease lease) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":until", millis(lease.until()));
        values.put(":me", AttributeValue.fromS(lease.owner()));
        values.put(":seen_until", millis(seen.leaseUntil()));
        values.put(":user", AttributeValue.fromS(seen.userId()));
        String seenOwner;
        if (seen.leaseOwner() == null) {
            seenOwner = "attribute_not_exists(lease_owner)";
        } else {
            seenOwner = "lease_owner = :seen_owner";
            values.put(":seen_owner", AttributeValue.fromS(seen.leaseOwner()));
        }
        return conditional(tokenHash, lease, () -> dynamo.updateItem(u -> u.tableName(table).key(key(tokenHash))
                .updateExpression("SET lease_owner = :me, lease_until = :until")
                .conditionExpression("user_id = :user AND lease_until = :seen_until AND " + seenOwner)
                .expressionAttributeValues(values)));
    }

    @Override
    public boolean complete(String tokenHash, Lease lease, String resultJson) {
        // The owner stays, with a lease that has run out: a lost answer's retry still finds it ours.
        return conditional(tokenHash, lease, () -> dynamo.updateItem(u -> u.tableName(table).key(key(tokenHash))
                .updateExpression("SET #result = :result, completed_at = :now, lease_until = :free")
                .conditionExpression("lease_owner = :me")
                .expressionAttributeNames(Map.of("#result", "result"))
                .expressionAttributeValues(Map.of(":result", AttributeValue.fromS(resultJson),
                        ":now", AttributeValue.fromS(clock.instant().toString()),
                        ":free", millis(Instant.EPOCH), ":me", AttributeValue.fromS(lease.owner())))));
    }

    @Override
    public void release(String tokenHash, Lease lease) {
        try {
            dynamo.deleteItem(d -> d.tableName(table).key(key(tokenHash))
                    .conditionExpression("lease_owner = :me")
                    .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(lease.owner()))));
        } catch (ConditionalCheckFailedException goneOrNotOurs) {
            // Already deleted (a lost answer's retry), or someone else's now: nothing of ours to release.
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    @Override
    public void abandon(String tokenHash, Lease lease) {
        conditional(tokenHash, lease, () -> dynamo.updateItem(u -> u.tableName(table).key(key(tokenHash))
                .updateExpression("SET lease_until = :free")
                .conditionExpression("lease_owner = :me")
                .expressionAttributeValues(Map.of(":free", millis(Instant.EPOCH),
                        ":me", AttributeValue.fromS(lease.owner())))));
    }

    /** Whether the record ends up with our lease on it: a failed condition is read back, not believed. */
    private boolean conditional(String tokenHash, Lease lease, Runnable write) {
        try {
            write.run();
            return true;
        } catch (ConditionalCheckFailedException failed) {
            // Read afresh: a landed first attempt is what made this one fail.
            Optional<Entry> now = read(tokenHash);
            return now.isPresent() && Objects.equals(now.get().leaseOwner(), lease.owner());
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    private static Optional<Entry> oldImage(ConditionalCheckFailedException failure) {
        return failure.hasItem() && !failure.item().isEmpty() ? Optional.of(entry(failure.item())) : Optional.empty();
    }

    static Entry entry(Map<String, AttributeValue> item) {
        List<String> selected = item.containsKey("selected_account_ids")
                ? item.get("selected_account_ids").l().stream().map(AttributeValue::s).toList()
                : List.of();
        return new Entry(
                item.get("user_id").s(),
                item.containsKey("item_id") ? item.get("item_id").s() : null,
                selected,
                item.containsKey("result") ? item.get("result").s() : null,
                item.containsKey("lease_owner") ? item.get("lease_owner").s() : null,
                Instant.ofEpochMilli(Long.parseLong(item.get("lease_until").n())));
    }

    private static AttributeValue millis(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
    }

    private static <T> T call(Supplier<T> request) {
        return AwsFailures.calling("dynamodb", request);
    }
}
