package dev.plaidknot.cardswitch;

import dev.plaidknot.cardplatform.CardPlatform;
import dev.plaidknot.domain.Fingerprint;
import dev.plaidknot.domain.Refusal.WebhookInProgress;
import dev.plaidknot.domain.Refusal.WebhookNotVerified;
import dev.plaidknot.domain.Refusal.WebhookSourceNotAllowed;
import dev.plaidknot.knot.KnotFailure;
import dev.plaidknot.knot.KnotGateway;
import dev.plaidknot.knot.KnotWebhookSignature.SignedFields;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.upstream.RequestBudget;
import dev.plaidknot.vault.CardSwitchRecords;
import dev.plaidknot.vault.CardSwitchRecords.Claim;
import dev.plaidknot.vault.CardSwitchRecords.MerchantStatus;
import dev.plaidknot.vault.CardSwitchRecords.SessionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes the switches Knot asks for. When a cardholder logs in to a merchant in CardSwitcher,
 * Knot posts {@code AUTHENTICATED} and waits 15 seconds for the card: this fetches Knot's key,
 * has the card platform seal the card under it, and sends it for Knot's task. Knot's
 * {@code CARD_UPDATED} or {@code CARD_FAILED} then says where the card is on file.
 *
 * <p>Knot signs only the event and the session, so who and which card always come from the
 * session record the service wrote when it opened the session, never from the body; the sender's
 * address is checked too, and each {@code (session, task, event)} is applied once.
 */
public final class CardSwitches {

    private static final Logger LOG = LoggerFactory.getLogger(CardSwitches.class);

    /** Past the function's timeout: a claim runs out only when its holder is certainly gone. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(2);

    /** What a delivery came to; logged, and never holds the session, the card or the body. */
    public enum Outcome {
        /** The card was sent to Knot for the task. */
        CARD_SENT,
        /** The card could not be sent; recorded as a failed switch for the merchant. */
        SWITCH_FAILED,
        /** {@code AUTHENTICATED} without {@code send_card}: nothing to send. */
        NOTHING_TO_SEND,
        /** {@code CARD_UPDATED} or {@code CARD_FAILED} recorded (or a later event already was). */
        RECORDED,
        /** A delivery of a webhook already applied. */
        ALREADY_APPLIED,
        /** A session this service does not hold (another deployment's, or long gone). */
        UNKNOWN_SESSION,
        /** An event this service does not act on. */
        IGNORED
    }

    /** One delivery as Knot sent it: what its signature covers, and the body's other fields. */
    public record KnotWebhook(SignedFields signed, String taskId, String merchantId, String merchantName,
                              boolean sendCard, String reason, Instant at) {
        public String event() {
            return signed.event();
        }

        @Override
        public String toString() {
            return "KnotWebhook[event=" + signed.event() + ", session=<redacted>]";
        }
    }

    private static final List<String> APPLIED_EVENTS = List.of("AUTHENTICATED", "CARD_UPDATED", "CARD_FAILED");

    private final KnotGateway knot;
    private final CardPlatform cards;
    private final CardSwitchRecords records;
    private final WebhookSources sources;
    private final Clock clock;

    public CardSwitches(KnotGateway knot, CardPlatform cards, CardSwitchRecords records, WebhookSources sources,
                        Clock clock) {
        this.knot = knot;
        this.cards = cards;
        this.records = records;
        this.sources = sources;
        this.clock = clock;
    }

    /**
     * Checks where the delivery came from and its signature, then applies it once. A refusal
     * changes nothing; a dependency failure before anything was recorded lets the claim go, so
     * Knot's retry can apply it.
     */
    public Outcome receive(KnotWebhook webhook, String signature, String sourceIp) {
        if (!sources.allows(sourceIp)) {
            throw new WebhookSourceNotAllowed();
        }
        if (!knot.signedByKnot(webhook.signed(), signature)) {
            throw new WebhookNotVerified();
        }
        String sessionId = webhook.signed().sessionId();
        if (sessionId == null || !APPLIED_EVENTS.contains(webhook.event())) {
            return Outcome.IGNORED;
        }
        String sessionFingerprint = Fingerprint.of(sessionId);
        Optional<SessionRecord> session = records.session(sessionFingerprint);
        if (session.isEmpty()) {
            return Outcome.UNKNOWN_SESSION;
        }
        String eventKey = Fingerprint.of(sessionFingerprint + "|" + webhook.taskId() + "|" + webhook.event());
        String owner = UUID.randomUUID().toString();
        switch (records.claimEvent(eventKey, owner, RequestBudget.functionDeadline().plus(LEASE_MARGIN))) {
            case ALREADY_APPLIED -> {
                return Outcome.ALREADY_APPLIED;
            }
            case IN_PROGRESS -> throw new WebhookInProgress();
            case WON -> {
            }
        }
        Outcome outcome;
        try {
            outcome = apply(webhook, session.get());
        } catch (RuntimeException failure) {
            try {
                records.releaseEvent(eventKey, owner);
            } catch (DependencyUnavailable e) {
                // The claim runs out with its lease instead.
                LOG.atWarn().addKeyValue("dependency", e.dependency()).log("could not release the webhook's claim");
            }
            throw failure;
        }
        try {
            records.eventApplied(eventKey, owner);
        } catch (DependencyUnavailable e) {
            // Applied all the same, and Knot is answered so: a 503 here would have it deliver again,
            // and once the claim's lease ran out a card could be sent twice.
            LOG.atWarn().addKeyValue("dependency", e.dependency()).log("could not mark the webhook applied");
        }
        return outcome;
    }

    private Outcome apply(KnotWebhook webhook, SessionRecord session) {
        return switch (webhook.event()) {
            case "AUTHENTICATED" -> webhook.sendCard() ? sendCard(webhook, session) : Outcome.NOTHING_TO_SEND;
            case "CARD_UPDATED" -> record(webhook, session, "updated", null);
            case "CARD_FAILED" -> {
                Telemetry.count("KnotCardsFailed");
                yield record(webhook, session, "failed", webhook.reason());
            }
            default -> Outcome.IGNORED;
        };
    }

    /**
     * Knot's key, the card platform's JWE of the session's card, then the card to Knot. A failure
     * of any of them is recorded for the merchant and answered as handled: Knot's window is 15
     * seconds, so its retry of the webhook could not switch the card anyway.
     */
    private Outcome sendCard(KnotWebhook webhook, SessionRecord session) {
        String failure;
        try {
            String jwk = knot.cardEncryptionKey();
            String jwe = cards.cardJwe(session.userId(), session.cardId(), jwk);
            knot.switchCard(webhook.taskId(), jwe);
            Telemetry.count("CardSwitchesSent");
            return Outcome.CARD_SENT;
        } catch (DependencyUnavailable e) {
            failure = e.dependency() + "_unavailable";
            LOG.atError().addKeyValue("dependency", e.dependency()).addKeyValue("aws_error_code", e.awsErrorCode())
                    .log("card switch failed");
        } catch (KnotFailure e) {
            failure = "knot_" + e.kind().name().toLowerCase(java.util.Locale.ROOT);
            LOG.atError().addKeyValue("knot_operation", e.operation()).addKeyValue("knot_failure", e.kind().name())
                    .addKeyValue("knot_error_code", e.errorCode().orElse(null)).log("card switch failed");
        }
        Telemetry.count("CardSwitchesFailed");
        record(webhook, session, "failed", failure);
        return Outcome.SWITCH_FAILED;
    }

    private Outcome record(KnotWebhook webhook, SessionRecord session, String status, String reason) {
        if (webhook.merchantId() == null) {
            LOG.atWarn().addKeyValue("event", webhook.event()).log("Knot webhook without a merchant; not recorded");
            return Outcome.IGNORED;
        }
        Instant at = webhook.at() != null ? webhook.at() : clock.instant();
        records.recordMerchant(session.userId(), new MerchantStatus(webhook.merchantId(), webhook.merchantName(),
                session.cardId(), status, reason, at));
        return Outcome.RECORDED;
    }

    /** Where the caller's card is on file, most recent first. */
    public List<MerchantStatus> merchants(String userId) {
        return records.merchants(userId);
    }
}
