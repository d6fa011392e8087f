package dev.plaidknot.testing;

import dev.plaidknot.vault.CardSwitchRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** CardSwitcher's records in memory, with the Dynamo records' rules: claims with leases, the later merchant event wins. */
public final class InMemoryCardSwitchRecords implements CardSwitchRecords {

    private record ClaimRecord(String owner, Instant leaseUntil, boolean applied) {
    }

    public final Map<String, SessionRecord> sessions = new HashMap<>();
    private final Map<String, ClaimRecord> claims = new HashMap<>();
    private final Map<String, Map<String, MerchantStatus>> merchants = new HashMap<>();
    private boolean failMarkingApplied;

    /** Marking a webhook applied fails from now on, as DynamoDB failing would. */
    public void failMarkingApplied() {
        failMarkingApplied = true;
    }

    @Override
    public synchronized void saveSession(String sessionFingerprint, SessionRecord session) {
        sessions.put(sessionFingerprint, session);
    }

    @Override
    public synchronized Optional<SessionRecord> session(String sessionFingerprint) {
        return Optional.ofNullable(sessions.get(sessionFingerprint));
    }

    @Override
    public synchronized void extendSession(String sessionFingerprint, Instant expiresAt) {
        SessionRecord session = sessions.get(sessionFingerprint);
        sessions.put(sessionFingerprint, new SessionRecord(session.userId(), session.cardId(), expiresAt));
    }

    @Override
    public synchronized Claim claimEvent(String eventKey, String leaseOwner, Instant leaseUntil) {
        ClaimRecord there = claims.get(eventKey);
        if (there == null || (!there.applied() && there.leaseUntil().isBefore(Instant.now()))) {
            claims.put(eventKey, new ClaimRecord(leaseOwner, leaseUntil, false));
            return Claim.WON;
        }
        return there.applied() ? Claim.ALREADY_APPLIED : Claim.IN_PROGRESS;
    }

    @Override
    public synchronized void eventApplied(String eventKey, String leaseOwner) {
        if (failMarkingApplied) {
            throw new dev.plaidknot.upstream.DependencyUnavailable("dynamodb", "ProvisionedThroughputExceededException", "fake");
        }
        claims.put(eventKey, new ClaimRecord(leaseOwner, Instant.MAX, true));
    }

    @Override
    public synchronized void releaseEvent(String eventKey, String leaseOwner) {
        ClaimRecord there = claims.get(eventKey);
        if (there != null && there.owner().equals(leaseOwner) && !there.applied()) {
            claims.remove(eventKey);
        }
    }

    @Override
    public synchronized boolean recordMerchant(String userId, MerchantStatus status) {
        Map<String, MerchantStatus> own = merchants.computeIfAbsent(userId, u -> new HashMap<>());
        MerchantStatus there = own.get(status.merchantId());
        if (there != null && there.updatedAt().isAfter(status.updatedAt())) {
            return false;
        }
        own.put(status.merchantId(), status);
        return true;
    }

    @Override
    public synchronized List<MerchantStatus> merchants(String userId) {
        List<MerchantStatus> list = new ArrayList<>(merchants.getOrDefault(userId, Map.of()).values());
        list.sort(Comparator.comparing(MerchantStatus::updatedAt).reversed());
        return list;
    }
}
