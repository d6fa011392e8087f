package dev.plaidknot.link;

import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.vault.TokenVault.ProcessorTokenOutcome;
import dev.plaidknot.vault.TokenVault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and stores the Knot processor token of one account. Plaid refusing one account is
 * recorded on that account and does not stop the others.
 */
public final class ProcessorTokenIssuer {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorTokenIssuer.class);

    private final PlaidGateway plaid;
    private final TokenVault vault;

    public ProcessorTokenIssuer(PlaidGateway plaid, TokenVault vault) {
        this.plaid = plaid;
        this.vault = vault;
    }

    /** The account's processor-token status as stored: {@code created} or {@code failed}. */
    public String issue(String userId, String itemId, String accessToken, BankAccount account) {
        ProcessorTokenOutcome outcome;
        try {
            outcome = new ProcessorTokenOutcome.Created(plaid.createKnotProcessorToken(accessToken, account.accountId()));
        } catch (PlaidFailure failure) {
            LOG.atWarn().addKeyValue("item_id", itemId).addKeyValue("account_id", account.accountId())
                    .addKeyValue("plaid_error_code", failure.errorCode().orElse(null))
                    .addKeyValue("plaid_request_id", failure.requestId().orElse(null))
                    .addKeyValue("plaid_failure", failure.kind().name()).log("processor token failed");
            outcome = new ProcessorTokenOutcome.Failed(failure.errorCode().orElse(failure.kind().name()));
        }
        Telemetry.count(outcome instanceof ProcessorTokenOutcome.Created ? "ProcessorTokensCreated" : "ProcessorTokensFailed");
        String stored = vault.saveAccount(userId, itemId, account, outcome);
        if (!stored.equals(outcome.status())) {
            // Revoked meanwhile, or filled by another request: the stored record stands.
            LOG.atWarn().addKeyValue("item_id", itemId).addKeyValue("account_id", account.accountId())
                    .log("account record kept as stored; this processor token was not saved");
        }
        return stored;
    }
}
