package dev.plaidknot.vault;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One record per public token exchanged, keyed by the token's SHA-256 (never the token), so a
 * retried or concurrent {@code POST /exchange_public_token} finds the first attempt instead of
 * exchanging again. Whoever works on the exchange holds its lease: a random owner id and a time
 * after which its holder is certainly gone (its function's timeout), so another request may take
 * over. Every write is conditional on holding the lease, and a write whose answer was lost is told
 * from someone else's by the owner id. Records expire (TTL) a day after they are made.
 */
public interface ExchangeLedger {

    /**
     * Claims the token for this user, recording the accounts Link selected, or reports the
     * record already there. A claim whose first answer was lost is still {@link Claim.Won}.
     */
    Claim claim(String tokenHash, String userId, List<String> selectedAccountIds, Lease lease);

    Optional<Entry> read(String tokenHash);

    /**
     * Takes the lease of a record whose holder let go or is gone, exactly as last {@code seen};
     * false if another request did first. Complete records too: only the lease holder fills gaps.
     */
    boolean takeOver(String tokenHash, Entry seen, Lease lease);

    /** Records the result (ids and statuses, never a token) and lets the lease go; false if the lease is not ours. */
    boolean complete(String tokenHash, Lease lease, String resultJson);

    /** The exchange failed before creating anything: the record goes, so a retry may start again. */
    void release(String tokenHash, Lease lease);

    /** The exchange stored its item but stopped short: the lease goes, so a retry may take over at once. */
    void abandon(String tokenHash, Lease lease);

    /** A holder of an exchange: who (a random id per request) and until when. */
    record Lease(String owner, Instant until) {
        public static Lease until(Instant until) {
            return new Lease(UUID.randomUUID().toString(), until);
        }
    }

    sealed interface Claim {
        record Won() implements Claim {
        }

        record Taken(Entry entry) implements Claim {
        }
    }

    /**
     * @param itemId null until the item is stored (in the same transaction as the item)
     * @param selectedAccountIds the accounts Link selected; empty means every account of the item
     * @param resultJson null until complete
     * @param leaseOwner null on a record written before leases had owners
     */
    record Entry(String userId, String itemId, List<String> selectedAccountIds, String resultJson, String leaseOwner,
                 Instant leaseUntil) {
        public boolean completed() {
            return resultJson != null;
        }

        /** Someone may be working on it: its lease has not run out. */
        public boolean heldAt(Instant now) {
            return leaseUntil.isAfter(now);
        }
    }
}
