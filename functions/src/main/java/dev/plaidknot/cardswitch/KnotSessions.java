package dev.plaidknot.cardswitch;

import dev.plaidknot.domain.Refusal.AccountNotFound;
import dev.plaidknot.domain.Refusal.AccountRevoked;
import dev.plaidknot.domain.Refusal.NoProcessorToken;
import dev.plaidknot.knot.KnotGateway;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.vault.TokenVault.AccountRef;
import dev.plaidknot.vault.TokenVault.AccountView;
import dev.plaidknot.vault.TokenVault.ItemView;
import dev.plaidknot.vault.TokenVault;
import java.util.Optional;

/**
 * The last step of the flow: a Knot CardSwitcher session carrying the cardholder's processor
 * token, so Knot reads their transactions and shows the merchants where they spend first. The
 * processor token leaves the service only here, and only to Knot.
 */
public final class KnotSessions {

    private final KnotGateway knot;
    private final TokenVault vault;

    public KnotSessions(KnotGateway knot, TokenVault vault) {
        this.knot = knot;
        this.vault = vault;
    }

    /** A session; the id must be handed to Knot's SDK and never logged. */
    public record KnotSession(String session, String environment, boolean transactionsLinked) {
        @Override
        public String toString() {
            return "KnotSession[session=<redacted>, environment=" + environment + ", transactionsLinked="
                    + transactionsLinked + "]";
        }
    }

    public KnotSession create(String userId, String cardId, Optional<String> accountId) {
        Optional<AccountRef> account = accountId.isPresent()
                ? Optional.of(chosen(userId, accountId.get()))
                : mostRecentHealthy(userId);
        String processorToken = account
                .map(a -> vault.processorToken(userId, a.itemId(), a.accountId())
                        .orElseThrow(() -> noToken()))
                .orElse(null);
        String session = knot.createCardSwitcherSession(userId, cardId, processorToken);
        Telemetry.count("KnotSessionsCreated");
        return new KnotSession(session, knot.environment().wireName(), processorToken != null);
    }

    private AccountRef chosen(String userId, String accountId) {
        AccountRef account = vault.account(userId, accountId).orElseThrow(AccountNotFound::new);
        if ("revoked".equals(account.status())) {
            throw new AccountRevoked();
        }
        if (!"created".equals(account.processorTokenStatus())) {
            throw noToken();
        }
        return account;
    }

    private static NoProcessorToken noToken() {
        return new NoProcessorToken();
    }

    /**
     * The newest healthy item's first usable account, or none: then Knot works without Plaid data.
     * One read of the cardholder's items and accounts, however many they linked.
     */
    private Optional<AccountRef> mostRecentHealthy(String userId) {
        for (ItemView item : vault.itemsNewestFirst(userId)) {
            if (!"healthy".equals(item.status())) {
                continue;
            }
            for (AccountView account : item.accounts()) {
                if ("created".equals(account.processorTokenStatus()) && !"revoked".equals(account.status())) {
                    return Optional.of(new AccountRef(item.itemId(), account.accountId(), account.status(),
                            account.processorTokenStatus()));
                }
            }
        }
        return Optional.empty();
    }
}
