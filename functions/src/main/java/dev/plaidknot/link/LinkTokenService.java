package dev.plaidknot.link;

import dev.plaidknot.domain.Refusal.ItemNotFound;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidGateway.LinkToken;
import dev.plaidknot.plaid.PlaidGateway.LinkTokenRequest;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.vault.TokenVault;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Creates the link token a front end opens Plaid Link with, for the verified caller only. The
 * vault (a DynamoDB and a KMS client) is reached only in update mode, a rare request, so it is
 * built on first use: the link-token function's cold start does not pay for it.
 */
public final class LinkTokenService {

    private final PlaidGateway plaid;
    private final Supplier<TokenVault> vault;
    private final String clientName;
    private final List<String> products;
    private final List<String> countryCodes;
    private final String language;
    private final Optional<String> webhookUrl;

    public LinkTokenService(PlaidGateway plaid, Supplier<TokenVault> vault, String clientName, List<String> products,
                            List<String> countryCodes, String language, Optional<String> webhookUrl) {
        this.plaid = plaid;
        this.vault = vault;
        this.clientName = clientName;
        this.products = List.copyOf(products);
        this.countryCodes = List.copyOf(countryCodes);
        this.language = language;
        this.webhookUrl = webhookUrl;
    }

    public LinkToken create(String userId) {
        LinkToken token = plaid.createLinkToken(new LinkTokenRequest(
                userId, clientName, products, countryCodes, language, webhookUrl.orElse(null), null));
        Telemetry.count("LinkTokensCreated");
        return token;
    }

    /** Update mode for one of the caller's items: 404 when the caller has no such item. */
    public LinkToken createForUpdate(String userId, String itemId) {
        String accessToken = vault.get().accessToken(userId, itemId).orElseThrow(ItemNotFound::new);
        LinkToken token = plaid.createLinkToken(new LinkTokenRequest(
                userId, clientName, products, countryCodes, language, webhookUrl.orElse(null), accessToken));
        Telemetry.count("LinkTokensCreated");
        return token;
    }
}
