package dev.plaidknot.testing;

import dev.plaidknot.vault.ExchangeLedger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The exchange ledger in memory, with the same lease semantics as the DynamoDB one. */
public final class InMemoryExchangeLedger implements ExchangeLedger {

    public final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Claim claim(String tokenHash, String userId, List<String> selectedAccountIds, Lease lease) {
        Entry existing = entries.putIfAbsent(tokenHash,
                new Entry(userId, null, List.copyOf(selectedAccountIds), null, lease.owner(), lease.until()));
        return existing == null ? new Claim.Won() : new Claim.Taken(existing);
    }

    @Override
    public Optional<Entry> read(String tokenHash) {
        return Optional.ofNullable(entries.get(tokenHash));
    }

    @Override
    public boolean takeOver(String tokenHash, Entry seen, Lease lease) {
        Entry current = entries.get(tokenHash);
        return current != null && current.equals(seen) && entries.replace(tokenHash, current,
                new Entry(current.userId(), current.itemId(), current.selectedAccountIds(), current.resultJson(),
                        lease.owner(), lease.until()));
    }

    /** The ledger's half of the vault's item transaction: only while the lease is held. */
    public boolean recordItem(String tokenHash, String leaseOwner, String itemId) {
        Entry current = entries.get(tokenHash);
        return current != null && Objects.equals(current.leaseOwner(), leaseOwner) && entries.replace(tokenHash, current,
                new Entry(current.userId(), itemId, current.selectedAccountIds(), current.resultJson(),
                        current.leaseOwner(), current.leaseUntil()));
    }

    @Override
    public boolean complete(String tokenHash, Lease lease, String resultJson) {
        Entry current = entries.get(tokenHash);
        return current != null && Objects.equals(current.leaseOwner(), lease.owner()) && entries.replace(tokenHash,
                current, new Entry(current.userId(), current.itemId(), current.selectedAccountIds(), resultJson,
                        current.leaseOwner(), Instant.EPOCH));
    }

    @Override
    public void release(String tokenHash, Lease lease) {
        entries.computeIfPresent(tokenHash, (k, e) -> Objects.equals(e.leaseOwner(), lease.owner()) ? null : e);
    }

    @Override
    public void abandon(String tokenHash, Lease lease) {
        entries.computeIfPresent(tokenHash, (k, e) -> Objects.equals(e.leaseOwner(), lease.owner())
                ? new Entry(e.userId(), e.itemId(), e.selectedAccountIds(), e.resultJson(), e.leaseOwner(), Instant.EPOCH)
                : e);
    }
}
