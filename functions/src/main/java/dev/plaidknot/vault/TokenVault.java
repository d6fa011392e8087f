package dev.plaidknot.vault;

import dev.plaidknot.domain.BankAccount;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a user's items and accounts live, with their Plaid access token and Knot processor
 * tokens encrypted before they are written. Every read and write that a caller can cause is
 * keyed by the caller's user id, so no user can reach another's records; only webhooks, which
 * Plaid signs, look an item up by its id alone ({@link #ownerOf}).
 */
public interface TokenVault {

    /**
     * Writes a new item with its encrypted access token and, in the same transaction, its id on
     * the exchange record that {@code exchange} holds. Fails rather than overwrite, and fails if
     * the exchange is no longer held by that lease.
     */
    void saveItem(String userId, NewItem item, String accessToken, HeldExchange exchange);

    /**
     * The longest {@link #saveItem} may take before it fails: the time an exchange must leave
     * for storing its access token.
     */
    Duration saveItemWorstCase();

    /** Records the institution Plaid reports for an item already saved. */
    void recordInstitution(String userId, String itemId, String institutionId, String institutionName);

    /**
     * An account's record made ready for {@link #saveAccounts}: its processor token, when one was
     * created, encrypted under the account's own context. This is the step of an account's write
     * that calls out (KMS), so callers seal the accounts of an item at the same time.
     */
    SealedAccount sealAccount(String userId, String itemId, BankAccount account, ProcessorTokenOutcome outcome);

    /**
     * Writes sealed accounts of a saved item together. Writes over a stored account only where
     * its token failed and the cardholder has not revoked it; any other stored record stands.
     * Returns each account's processor-token status as stored afterwards ({@code created} or
     * {@code failed}), by account id.
     */
    Map<String, String> saveAccounts(String userId, String itemId, List<SealedAccount> accounts);

    /** The item's decrypted access token; empty when this user has no such item. */
    Optional<String> accessToken(String userId, String itemId);

    /** One of the user's items with its accounts; empty when this user has no such item. */
    Optional<ItemView> item(String userId, String itemId);

    /** One of the user's accounts by its id alone; empty when this user has no such account. */
    Optional<AccountRef> account(String userId, String accountId);

    /** The account's decrypted Knot processor token; empty when it has none. */
    Optional<String> processorToken(String userId, String itemId, String accountId);

    /** The user's items, newest first, with their accounts; {@code cursor} is a page's next_cursor. */
    ItemPage listItems(String userId, int limit, String cursor);

    /**
     * Every item of the user with its accounts, newest first, read in one query however many
     * items there are (for choosing an account, not for paging).
     */
    List<ItemView> itemsNewestFirst(String userId);

    /** Deletes the item and its account records; a no-op when they are already gone. */
    void deleteItem(String userId, String itemId);

    /** The user an item belongs to, for Plaid's webhooks, which name only the item. */
    Optional<String> ownerOf(String itemId);

    /**
     * Applies a status change unless a newer or the same event was already applied, or the record
     * already has that status and reason; says whether it did.
     */
    boolean applyItemStatus(String userId, String itemId, StatusEvent event);

    /** The same for one account of an item. */
    boolean applyAccountStatus(String userId, String itemId, String accountId, StatusEvent event);

    /** An account's record as this vault will write it; its token, if any, is already encrypted. */
    interface SealedAccount {
        BankAccount account();

        String processorTokenStatus();
    }

    record NewItem(String itemId, String institutionId, String institutionName) {
    }

    /** The exchange record (by public-token hash) and the lease the saving request holds on it. */
    record HeldExchange(String tokenHash, String leaseOwner) {
    }

    /** A status from a webhook: {@code at} and {@code eventId} order and de-duplicate deliveries. */
    record StatusEvent(String status, String reason, long at, String eventId) {
    }

    record ItemView(String itemId, String institutionId, String institutionName, String status, String statusReason,
                    String createdAt, List<AccountView> accounts) {
    }

    /** A linked account as stored: the account, whether the cardholder still shares it, and its processor token's status. */
    record AccountView(BankAccount account, String status, String processorTokenStatus) {
        public String accountId() {
            return account.accountId();
        }
    }

    record AccountRef(String itemId, String accountId, String status, String processorTokenStatus) {
    }

    /** One page of items; {@code nextCursor} is null on the last page. */
    record ItemPage(List<ItemView> items, String nextCursor) {
    }

    /** What became of one account's processor token: a token, or why there is none. */
    sealed interface ProcessorTokenOutcome {
        String status();

        record Created(String processorToken) implements ProcessorTokenOutcome {
            @Override
            public String status() {
                return "created";
            }

            @Override
            public String toString() {
                return "Created[processorToken=<redacted>]";
            }
        }

        record Failed(String plaidErrorCode) implements ProcessorTokenOutcome {
            @Override
            public String status() {
                return "failed";
            }
        }
    }
}
