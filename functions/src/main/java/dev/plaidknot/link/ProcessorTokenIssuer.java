package dev.plaidknot.link;

import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.upstream.FanOut;
import dev.plaidknot.vault.TokenVault;
import dev.plaidknot.vault.TokenVault.ProcessorTokenOutcome;
import dev.plaidknot.vault.TokenVault.SealedAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and stores the Knot processor tokens of an item's accounts: each account's token and
 * its encryption at the same time ({@link FanOut}), then every record in one write. Plaid refusing
 * an account is recorded on that account and does not stop the others.
 */
public final class ProcessorTokenIssuer {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorTokenIssuer.class);

    /**
     * How many accounts' processor tokens are made at once: the items cardholders link hold up to
     * about ten accounts, and all of them in one round is what makes ten take about as long as one;
     * a bound all the same, so an item of many accounts is not one burst at Plaid's rate limits
     * or one connection per account from a small function.
     */
    static final int ACCOUNTS_AT_ONCE = 10;

    private final PlaidGateway plaid;
    private final TokenVault vault;

    public ProcessorTokenIssuer(PlaidGateway plaid, TokenVault vault) {
        this.plaid = plaid;
        this.vault = vault;
    }

    /**
     * Each account's processor-token status as stored ({@code created} or {@code failed}), in the
     * accounts' order. An account whose token could not be kept (its encryption failed) is not
     * written; the others are, and then that failure is thrown, so a retry fills exactly it.
     */
    public List<String> issue(String userId, String itemId, String accessToken, List<BankAccount> accounts) {
        if (accounts.isEmpty()) {
            return List.of();
        }
        List<Sealing> sealings = FanOut.each(accounts, ACCOUNTS_AT_ONCE, account -> {
            ProcessorTokenOutcome outcome = tokenFor(itemId, accessToken, account);
            try {
                return new Sealing(vault.sealAccount(userId, itemId, account, outcome), null);
            } catch (RuntimeException failure) {
                return new Sealing(null, failure);
            }
        });
        List<SealedAccount> sealed = new ArrayList<>();
        RuntimeException firstFailure = null;
        for (Sealing sealing : sealings) {
            if (sealing.sealed() != null) {
                sealed.add(sealing.sealed());
            } else if (firstFailure == null) {
                firstFailure = sealing.failure();
            }
        }
        Map<String, String> stored = vault.saveAccounts(userId, itemId, sealed);
        for (SealedAccount account : sealed) {
            if (!account.processorTokenStatus().equals(stored.get(account.account().accountId()))) {
                // Revoked meanwhile, or filled by another request: the stored record stands.
                LOG.atWarn().addKeyValue("item_id", itemId).addKeyValue("account_id", account.account().accountId())
                        .log("account record kept as stored; this processor token was not saved");
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return accounts.stream().map(a -> stored.get(a.accountId())).toList();
    }

    private ProcessorTokenOutcome tokenFor(String itemId, String accessToken, BankAccount account) {
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
        return outcome;
    }

    /** An account sealed for the write, or why it could not be. */
    private record Sealing(SealedAccount sealed, RuntimeException failure) {
    }
}
