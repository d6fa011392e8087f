package dev.plaidknot.vault;

import java.util.Map;

/**
 * The KMS encryption context of each kind of token. Binding the user and the item means a
 * ciphertext moved to another record fails to decrypt instead of leaking another user's bank.
 */
public final class EncryptionContexts {

    private EncryptionContexts() {
    }

    public static Map<String, String> accessToken(String userId, String itemId) {
        return Map.of("purpose", "plaid-access-token", "user_id", userId, "item_id", itemId);
    }

    public static Map<String, String> processorToken(String userId, String itemId, String accountId) {
        return Map.of("purpose", "knot-processor-token", "user_id", userId, "item_id", itemId,
                "account_id", accountId);
    }
}
