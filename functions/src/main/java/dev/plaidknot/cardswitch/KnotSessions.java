package dev.plaidknot.cardswitch;

import dev.plaidknot.cardplatform.CardPlatform;
import dev.plaidknot.domain.Fingerprint;
import dev.plaidknot.domain.Refusal.AccountNotFound;
import dev.plaidknot.domain.Refusal.CardNotFound;
import dev.plaidknot.domain.Refusal.SessionNotFound;
import dev.plaidknot.domain.Refusal.AccountRevoked;
import dev.plaidknot.domain.Refusal.NoProcessorToken;
import dev.plaidknot.knot.KnotGateway;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.vault.TokenVault.AccountRef;
import dev.plaidknot.vault.TokenVault.AccountView;
import dev.plaidknot.vault.TokenVault.ItemView;
import dev.plaidknot.vault.TokenVault;
import dev.plaidknot.vault.CardSwitchRecords;
import dev.plaidknot.vault.CardSwitchRecords.SessionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The last step of the flow: a Knot CardSwitcher session carrying the cardholder's processor
 * token, so Knot reads their transactions and shows the merchants where they spend first. The
 * processor token leaves the service only here, and only to Knot.
 */
public final class KnotSessions {

    /** How long Knot keeps a session open, and each extension adds. */
    static final Duration SESSION_LIFETIME = Duration.ofMinutes(30);

    private final KnotGateway knot;
    private final TokenVault vault;
    private final CardPlatform cards;
    private final CardSwitchRecords records;
    private final Clock clock;

    public KnotSessions(KnotGateway knot, TokenVault vault, CardPlatform cards, CardSwitchRecords records, Clock clock) {
        this.knot = knot;
        this.vault = vault;
        this.cards = cards;
        this.records = records;
        this.clock = clock;
    }

    /** A session; the id must be handed to Knot's SDK and never logged. */
    public record KnotSession(String session, String environment, boolean transactionsLinked) {
        @Override
        public String toString() {
            return "KnotSession[session=<redacted>, environment=" + environment + ", transactionsLinked="
                    + transactionsLinked + "]";
        }
    }

    /**
     * A session for one of the caller's own cards: a card the card platform says they do not hold
     * is not found, as an unknown one is, and Knot is not asked. The session is recorded (by its
     * fingerprint) with its user and card, which Knot's webhooks for it will be applied to.
     */
    public KnotSession create(String userId, String cardId, Optional<String> accountId) {
        if (!cards.holdsCard(userId, cardId)) {
            throw new CardNotFound();
        }
        Optional<AccountRef> account = accountId.isPresent()
                ? Optional.of(chosen(userId, accountId.get()))
                : mostRecentHealthy(userId);
        String processorToken = account
                .map(a -> vault.processorToken(userId, a.itemId(), a.accountId())
                        .orElseThrow(() -> noToken()))
                .orElse(null);
        String session = knot.createCardSwitcherSession(userId, cardId, processorToken);
        records.saveSession(Fingerprint.of(session),
                new SessionRecord(userId, cardId, clock.instant().plus(SESSION_LIFETIME)));
        Telemetry.count("KnotSessionsCreated");
        return new KnotSession(session, knot.environment().wireName(), processorToken != null);
    }

    /** Another {@link #SESSION_LIFETIME} for a session this caller opened; any other is not found. */
    public Instant extend(String userId, String session) {
        String fingerprint = Fingerprint.of(session);
        records.session(fingerprint).filter(s -> s.userId().equals(userId)).orElseThrow(SessionNotFound::new);
        knot.extendSession(session);
        Instant until = clock.instant().plus(SESSION_LIFETIME);
        records.extendSession(fingerprint, until);
        return until;
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
