package dev.plaidknot.plaid;

import dev.plaidknot.domain.BankAccount;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Plaid calls this service makes, in its own terms. Every failure is a {@link PlaidFailure}
 * (or a dependency failure while fetching the keys); nothing here returns an HTTP error quietly.
 */
public interface PlaidGateway {

    /** Plaid's item and account ids: letters and digits (plus - and _ for our own test ids). */
    Pattern ID_FORMAT = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    LinkToken createLinkToken(LinkTokenRequest request);

    ExchangedItem exchangePublicToken(String publicToken);

    ItemAccounts getAccounts(String accessToken);

    /** A processor token for Knot ({@code processor: knot}) for one account of the item. */
    String createKnotProcessorToken(String accessToken, String accountId);

    void removeItem(String accessToken);

    /**
     * The item's state at Plaid now: its error code ({@code ITEM_LOGIN_REQUIRED}, …), or empty
     * when it works. Webhooks say that something changed; this says what is true.
     */
    Optional<String> itemErrorCode(String accessToken);

    /** The public key Plaid signs webhooks with, by key id; empty when Plaid knows no such key. */
    Optional<WebhookKey> getWebhookVerificationKey(String keyId);

    /** Sandbox only: a public token for an institution, as Link would hand one over. */
    String createSandboxPublicToken(String institutionId, List<String> products, String webhookUrl);

    /** Which Plaid environment the current keys are for. */
    PlaidEnvironment environment();

    /** A link token request; with an access token it opens Link in update mode for that item. */
    record LinkTokenRequest(String clientUserId, String clientName, List<String> products,
                            List<String> countryCodes, String language, String webhookUrl, String accessToken) {
        @Override
        public String toString() {
            return "LinkTokenRequest[clientUserId=" + clientUserId + ", updateMode=" + (accessToken != null) + "]";
        }
    }

    /** A P-256 public key as JWK coordinates, with its expiry (null while current). */
    record WebhookKey(String keyId, String alg, String crv, String kty, String x, String y, Long expiredAt) {
    }

    record LinkToken(String linkToken, String expiration, String requestId) {
        @Override
        public String toString() {
            return "LinkToken[expiration=" + expiration + ", requestId=" + requestId + "]";
        }
    }

    record ExchangedItem(String itemId, String accessToken, String requestId) {
        @Override
        public String toString() {
            return "ExchangedItem[itemId=" + itemId + ", requestId=" + requestId + "]";
        }
    }

    record ItemAccounts(String institutionId, String institutionName, List<BankAccount> accounts) {
    }
}
