package dev.plaidknot.testing;

import dev.plaidknot.vault.ExchangeLedger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The exchange ledger in memory, with the same claim semantics as the DynamoDB one. */
public final class InMemoryExchangeLedger implements ExchangeLedger {

    public final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Claim claim(String tokenHash, String userId, Instant leaseUntil) {
        Entry existing = entries.putIfAbsent(tokenHash, new Entry(userId, null, null, leaseUntil));
        return existing == null ? new Claim.Won() : new Claim.Taken(existing);
    }

    @Override
    public Optional<Entry> read(String tokenHash) {
        return Optional.ofNullable(entries.get(tokenHash));
    }

    @Override
    public boolean takeOver(String tokenHash, Instant expiredLease, Instant newLease) {
        Entry current = entries.get(tokenHash);
        return current != null && current.leaseUntil().equals(expiredLease) && !current.completed()
                && entries.replace(tokenHash, current, new Entry(current.userId(), current.itemId(), null, newLease));
    }

    @Override
    public void recordItem(String tokenHash, String itemId) {
        entries.computeIfPresent(tokenHash, (k, e) -> new Entry(e.userId(), itemId, e.resultJson(), e.leaseUntil()));
    }

    @Override
    public void complete(String tokenHash, String resultJson) {
        entries.computeIfPresent(tokenHash, (k, e) -> new Entry(e.userId(), e.itemId(), resultJson, e.leaseUntil()));
    }

    @Override
    public void release(String tokenHash) {
        entries.remove(tokenHash);
    }

    @Override
    public void abandon(String tokenHash) {
        entries.computeIfPresent(tokenHash, (k, e) -> new Entry(e.userId(), e.itemId(), e.resultJson(), Instant.EPOCH));
    }
}
