package dev.plaidknot.link;

import dev.plaidknot.domain.Refusal.SandboxOnly;
import dev.plaidknot.plaid.PlaidEnvironment;
import dev.plaidknot.plaid.PlaidGateway;
import java.util.List;
import java.util.Optional;

/**
 * The sandbox shortcut: a public token for First Platypus Bank without the Link UI, so the whole
 * flow can be driven with curl. It does not exist outside the sandbox.
 */
public final class SandboxPublicTokens {

    public static final String FIRST_PLATYPUS_BANK = "ins_109508";

    private final PlaidGateway plaid;
    private final List<String> products;
    private final Optional<String> webhookUrl;

    public SandboxPublicTokens(PlaidGateway plaid, List<String> products, Optional<String> webhookUrl) {
        this.plaid = plaid;
        this.products = List.copyOf(products);
        this.webhookUrl = webhookUrl;
    }

    public String create() {
        if (plaid.environment() != PlaidEnvironment.SANDBOX) {
            throw new SandboxOnly();
        }
        return plaid.createSandboxPublicToken(FIRST_PLATYPUS_BANK, products, webhookUrl.orElse(null));
    }
}
