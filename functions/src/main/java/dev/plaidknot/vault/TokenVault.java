package dev.plaidknot.vault;

/**
 * Where a user's items and accounts live, with their Plaid access token and Knot processor
 * tokens encrypted before they are written. Every method is keyed by the caller's user id.
 */
public interface TokenVault {

    /** Writes a new item with its encrypted access token. Fails rather than overwrite. */
    void saveItem(String userId, NewItem item, String accessToken);

    /** Records the institution Plaid reports for an item already saved. */
    void recordInstitution(String userId, String itemId, String institutionId, String institutionName);

    /**
     * Writes an account of a saved item: with its encrypted processor token when one was
     * created, else with the failure's Plaid error code and no token.
     */
    void saveAccount(String userId, String itemId, NewAccount account, ProcessorTokenOutcome outcome);

    record NewItem(String itemId, String institutionId, String institutionName) {
    }

    record NewAccount(String accountId, String name, String mask, String type, String subtype) {
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
