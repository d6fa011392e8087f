package dev.plaidknot.vault;

import java.time.Instant;
import java.util.Optional;

/**
 * One record per public token exchanged, keyed by the token's SHA-256 (never the token), so a
 * retried or concurrent {@code POST /exchange_public_token} finds the first attempt instead of
 * exchanging again. A claim holds a lease: if its holder dies, another request may take over once
 * the lease has run out. Records expire (TTL) a day after they are made.
 */
public interface ExchangeLedger {

    /** Claims the token for this user, or reports the record already there. */
    Claim claim(String tokenHash, String userId, Instant leaseUntil);

    Optional<Entry> read(String tokenHash);

    /** Takes over a claim whose lease ran out; false if someone else did first. */
    boolean takeOver(String tokenHash, Instant expiredLease, Instant newLease);

    /** The item the claimed exchange created, recorded as soon as it is stored. */
    void recordItem(String tokenHash, String itemId);

    /** The exchange is done: its result (ids and statuses, never a token) answers every retry. */
    void complete(String tokenHash, String resultJson);

    /** The exchange failed before creating anything: a retry may try again. */
    void release(String tokenHash);

    /** The exchange stored its item but stopped short: a retry may take over at once and finish it. */
    void abandon(String tokenHash);

    sealed interface Claim {
        record Won() implements Claim {
        }

        record Taken(Entry entry) implements Claim {
        }
    }

    /** @param itemId null until the item is stored; @param resultJson null until complete */
    record Entry(String userId, String itemId, String resultJson, Instant leaseUntil) {
        public boolean completed() {
            return resultJson != null;
        }
    }
}
