package dev.plaidknot.plaid;

import java.util.List;

/**
 * The Plaid calls this service makes, in its own terms. Every failure is a {@link PlaidFailure}
 * (or a dependency failure while fetching the keys); nothing here returns an HTTP error quietly.
 */
public interface PlaidGateway {

    LinkToken createLinkToken(LinkTokenRequest request);

    ExchangedItem exchangePublicToken(String publicToken);

    ItemAccounts getAccounts(String accessToken);

    /** A processor token for Knot ({@code processor: knot}) for one account of the item. */
    String createKnotProcessorToken(String accessToken, String accountId);

    void removeItem(String accessToken);

    record LinkTokenRequest(String clientUserId, String clientName, List<String> products,
                            List<String> countryCodes, String language, String webhookUrl) {
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

    record ItemAccounts(String institutionId, String institutionName, List<PlaidAccount> accounts) {
    }

    record PlaidAccount(String accountId, String name, String mask, String type, String subtype) {
    }
}
