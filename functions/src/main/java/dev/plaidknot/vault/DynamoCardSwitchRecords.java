package dev.plaidknot.vault;

import static dev.plaidknot.vault.DynamoAttributes.n;
import static dev.plaidknot.vault.DynamoAttributes.s;
import static dev.plaidknot.vault.DynamoAttributes.text;

import dev.plaidknot.aws.AwsFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * CardSwitcher's records in the tokens table. A session is {@code pk=KNOTSESSION#<fingerprint>};
 * a webhook's claim {@code pk=KNOTEVENT#<key>}; both leave by the table's TTL. A merchant status
 * sits in the cardholder's partition, {@code pk=USER#<sub>, sk=MERCHANT#<merchant id>}, beside
 * their items.
 */
public final class DynamoCardSwitchRecords implements CardSwitchRecords {

    /** Webhooks for a session's tasks can trail its end; its record stays this much longer. */
    private static final Duration SESSION_RETENTION = Duration.ofDays(1);
    /** Knot retries a webhook for a while; a claim stays long enough to recognise every retry. */
    private static final Duration EVENT_RETENTION = Duration.ofDays(7);
    private static final String MERCHANT_PREFIX = "MERCHANT#";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoCardSwitchRecords(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    private static Map<String, AttributeValue> sessionKey(String fingerprint) {
        return Map.of("pk", s("KNOTSESSION#" + fingerprint), "sk", s("SESSION"));
    }

    private static Map<String, AttributeValue> eventKey(String key) {
        return Map.of("pk", s("KNOTEVENT#" + key), "sk", s("EVENT"));
    }

    @Override
    public void saveSession(String sessionFingerprint, SessionRecord session) {
        Map<String, AttributeValue> record = new HashMap<>(sessionKey(sessionFingerprint));
        record.put("record_type", s("knot_session"));
        record.put("user_id", s(session.userId()));
        record.put("card_id", s(session.cardId()));
        record.put("session_until", s(session.expiresAt().toString()));
        record.put("expires_at", n(session.expiresAt().plus(SESSION_RETENTION).getEpochSecond()));
        record.put("created_at", s(clock.instant().toString()));
        call(() -> dynamo.putItem(p -> p.tableName(table).item(record)));
    }

    @Override
    public Optional<SessionRecord> session(String sessionFingerprint) {
        Map<String, AttributeValue> record = call(() -> dynamo.getItem(g -> g.tableName(table)
                .key(sessionKey(sessionFingerprint)).consistentRead(true))).item();
        if (record == null || record.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SessionRecord(record.get("user_id").s(), record.get("card_id").s(),
                Instant.parse(record.get("session_until").s())));
    }

    @Override
    public void extendSession(String sessionFingerprint, Instant expiresAt) {
        call(() -> dynamo.updateItem(u -> u.tableName(table).key(sessionKey(sessionFingerprint))
                .updateExpression("SET session_until = :until, expires_at = :ttl")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":until", s(expiresAt.toString()),
                        ":ttl", n(expiresAt.plus(SESSION_RETENTION).getEpochSecond())))));
    }

    @Override
    public Claim claimEvent(String eventKey, String leaseOwner, Instant leaseUntil) {
        Map<String, AttributeValue> record = new HashMap<>(eventKey(eventKey));
        record.put("record_type", s("knot_event"));
        record.put("state", s("claimed"));
        record.put("lease_owner", s(leaseOwner));
        record.put("lease_until", n(leaseUntil.toEpochMilli()));
        record.put("expires_at", n(clock.instant().plus(EVENT_RETENTION).getEpochSecond()));
        try {
            dynamo.putItem(p -> p.tableName(table).item(record)
                    // New, or claimed by a delivery whose lease ran out (its function died).
                    .conditionExpression("attribute_not_exists(pk) OR (#state = :claimed AND lease_until < :now)")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":claimed", s("claimed"),
                            ":now", n(clock.instant().toEpochMilli())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Claim.WON;
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> there = taken.hasItem() ? taken.item() : call(() -> dynamo.getItem(g -> g
                    .tableName(table).key(eventKey(eventKey)).consistentRead(true))).item();
            if (there != null && leaseOwner.equals(text(there, "lease_owner"))) {
                return "applied".equals(text(there, "state")) ? Claim.ALREADY_APPLIED : Claim.WON; // our own lost answer
            }
            return there != null && "applied".equals(text(there, "state")) ? Claim.ALREADY_APPLIED : Claim.IN_PROGRESS;
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    @Override
    public void eventApplied(String eventKey, String leaseOwner) {
        call(() -> dynamo.updateItem(u -> u.tableName(table).key(eventKey(eventKey))
                .updateExpression("SET #state = :applied REMOVE lease_until")
                .conditionExpression("lease_owner = :owner")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":applied", s("applied"), ":owner", s(leaseOwner)))));
    }

    @Override
    public void releaseEvent(String eventKey, String leaseOwner) {
        try {
            dynamo.deleteItem(d -> d.tableName(table).key(eventKey(eventKey))
                    .conditionExpression("lease_owner = :owner AND #state = :claimed")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":owner", s(leaseOwner), ":claimed", s("claimed"))));
        } catch (ConditionalCheckFailedException gone) {
            // Taken over or already let go: nothing of ours to release.
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    @Override
    public boolean recordMerchant(String userId, MerchantStatus status) {
        Map<String, AttributeValue> record = new HashMap<>();
        record.put("pk", s(DynamoTokenVault.userKey(userId)));
        record.put("sk", s(MERCHANT_PREFIX + status.merchantId()));
        record.put("record_type", s("merchant"));
        record.put("merchant_id", s(status.merchantId()));
        if (status.merchantName() != null) {
            record.put("merchant_name", s(status.merchantName()));
        }
        record.put("card_id", s(status.cardId()));
        record.put("status", s(status.status()));
        if (status.reason() != null) {
            record.put("reason", s(status.reason()));
        }
        record.put("updated_at", s(status.updatedAt().toString()));
        record.put("event_at", n(status.updatedAt().toEpochMilli()));
        try {
            dynamo.putItem(p -> p.tableName(table).item(record)
                    // A later event wins: Knot's deliveries can arrive out of order.
                    .conditionExpression("attribute_not_exists(pk) OR event_at <= :at")
                    .expressionAttributeValues(Map.of(":at", n(status.updatedAt().toEpochMilli()))));
            return true;
        } catch (ConditionalCheckFailedException later) {
            return false;
        } catch (SdkException e) {
            throw AwsFailures.unavailable("dynamodb", e);
        }
    }

    @Override
    public List<MerchantStatus> merchants(String userId) {
        List<MerchantStatus> merchants = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> dynamo.query(q -> q.tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(DynamoTokenVault.userKey(userId)),
                            ":prefix", s(MERCHANT_PREFIX)))
                    .consistentRead(true)
                    .exclusiveStartKey(from)));
            for (Map<String, AttributeValue> r : page.items()) {
                merchants.add(new MerchantStatus(text(r, "merchant_id"), text(r, "merchant_name"), text(r, "card_id"),
                        text(r, "status"), text(r, "reason"), Instant.parse(text(r, "updated_at"))));
            }
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        merchants.sort(Comparator.comparing(MerchantStatus::updatedAt).reversed());
        return merchants;
    }

    private static <T> T call(Supplier<T> request) {
        return AwsFailures.calling("dynamodb", request);
    }
}
