package dev.plaidknot.cardswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.cardswitch.CardSwitches.KnotWebhook;
import dev.plaidknot.cardswitch.CardSwitches.Outcome;
import dev.plaidknot.domain.Fingerprint;
import dev.plaidknot.domain.Refusal;
import dev.plaidknot.knot.KnotFailure;
import dev.plaidknot.knot.KnotWebhookSignature;
import dev.plaidknot.knot.KnotWebhookSignature.SignedFields;
import dev.plaidknot.testing.FakeCardPlatform;
import dev.plaidknot.testing.FakeKnotGateway;
import dev.plaidknot.testing.InMemoryCardSwitchRecords;
import dev.plaidknot.upstream.UpstreamFailure;
import dev.plaidknot.vault.CardSwitchRecords.MerchantStatus;
import dev.plaidknot.vault.CardSwitchRecords.SessionRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CardSwitchesTest {

    private static final String KNOT_IP = "35.232.249.218";
    private static final String SESSION = "3f1c2b4a-0000-4000-8000-000000000001";

    private final FakeKnotGateway knot = new FakeKnotGateway();
    private final FakeCardPlatform cards = new FakeCardPlatform(Map.of("alice", Set.of("card-a")));
    private final InMemoryCardSwitchRecords records = new InMemoryCardSwitchRecords();
    private final CardSwitches switches = new CardSwitches(knot, cards, records,
            WebhookSources.parse("35.232.249.218/32"), Clock.systemUTC());

    @BeforeEach
    void aliceOpenedASession() {
        records.saveSession(Fingerprint.of(SESSION), new SessionRecord("alice", "card-a", Instant.now().plusSeconds(1800)));
    }

    private static KnotWebhook webhook(String event, String session, String task, boolean sendCard, String reason,
                                       long at) {
        return new KnotWebhook(new SignedFields(321, "application/json", event, session), task, "12", "Streaming",
                sendCard, reason, Instant.ofEpochMilli(at));
    }

    private Outcome deliver(KnotWebhook webhook) {
        return switches.receive(webhook, KnotWebhookSignature.sign(webhook.signed(), FakeKnotGateway.SECRET), KNOT_IP);
    }

    @Test
    void authenticated_sends_the_session_records_card_for_the_webhooks_task() {
        Outcome outcome = deliver(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1));

        assertThat(outcome).isEqualTo(Outcome.CARD_SENT);
        assertThat(knot.cards).containsExactly(new FakeKnotGateway.CardSent("task-1", FakeCardPlatform.jweOf("alice", "card-a")));
    }

    @Test
    void authenticated_without_send_card_sends_nothing() {
        assertThat(deliver(webhook("AUTHENTICATED", SESSION, "task-1", false, null, 1))).isEqualTo(Outcome.NOTHING_TO_SEND);
        assertThat(knot.cards).isEmpty();
        assertThat(cards.asked).isEmpty();
    }

    @Test
    void the_same_authenticated_delivered_twice_switches_once() {
        deliver(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1));
        Outcome again = deliver(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1));

        assertThat(again).isEqualTo(Outcome.ALREADY_APPLIED);
        assertThat(knot.cards).hasSize(1);
    }

    @Test
    void a_session_the_service_does_not_hold_is_answered_and_nothing_sent() {
        assertThat(deliver(webhook("AUTHENTICATED", "someone-elses-session", "task-1", true, null, 1)))
                .isEqualTo(Outcome.UNKNOWN_SESSION);
        assertThat(knot.cards).isEmpty();
        assertThat(cards.asked).isEmpty();
    }

    @Test
    void a_wrong_or_missing_signature_is_unverified_and_changes_nothing() {
        KnotWebhook webhook = webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1);
        for (String signature : new String[] {null, "", KnotWebhookSignature.sign(webhook.signed(), "another-secret"),
                KnotWebhookSignature.sign(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1).signed(), "x")}) {
            assertThatThrownBy(() -> switches.receive(webhook, signature, KNOT_IP))
                    .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(401));
        }
        // Signed for another event: the signature covers the event name.
        String signedForUpdated = KnotWebhookSignature.sign(
                webhook("CARD_UPDATED", SESSION, "task-1", true, null, 1).signed(), FakeKnotGateway.SECRET);
        assertThatThrownBy(() -> switches.receive(webhook, signedForUpdated, KNOT_IP)).isInstanceOf(Refusal.class);
        assertThat(knot.cards).isEmpty();
        assertThat(cards.asked).isEmpty();
        assertThat(deliver(webhook)).as("the webhook was not claimed by the refused deliveries").isEqualTo(Outcome.CARD_SENT);
    }

    @Test
    void a_webhook_from_outside_the_allowed_addresses_is_forbidden() {
        KnotWebhook webhook = webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1);
        String signature = KnotWebhookSignature.sign(webhook.signed(), FakeKnotGateway.SECRET);

        assertThatThrownBy(() -> switches.receive(webhook, signature, "203.0.113.7"))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(403));
        assertThat(knot.cards).isEmpty();
    }

    @Test
    void card_updated_and_failed_are_listed_for_the_sessions_cardholder_and_a_later_event_wins() {
        deliver(webhook("CARD_FAILED", SESSION, "task-1", false, "merchant refused the card", 2_000));
        deliver(webhook("CARD_UPDATED", SESSION, "task-0", false, null, 1_000));

        assertThat(switches.merchants("alice")).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo("failed");
            assertThat(m.reason()).isEqualTo("merchant refused the card");
            assertThat(m.cardId()).isEqualTo("card-a");
        });
        assertThat(switches.merchants("bob")).isEmpty();
    }

    @Test
    void a_card_platform_that_fails_is_a_failed_switch_recorded_and_answered() {
        cards.failFromNowOn();

        Outcome outcome = deliver(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1));

        assertThat(outcome).isEqualTo(Outcome.SWITCH_FAILED);
        assertThat(knot.cards).isEmpty();
        assertThat(switches.merchants("alice")).extracting(MerchantStatus::status, MerchantStatus::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("failed", "card_platform_unavailable"));
        assertThat(deliver(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1))).isEqualTo(Outcome.ALREADY_APPLIED);
    }

    @Test
    void knot_refusing_the_card_is_a_failed_switch() {
        knot.failNext(new KnotFailure("jwe/key", UpstreamFailure.Kind.UNREACHABLE, 0, null, null));

        assertThat(deliver(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1))).isEqualTo(Outcome.SWITCH_FAILED);
        assertThat(switches.merchants("alice")).extracting(MerchantStatus::reason).containsExactly("knot_unreachable");
    }

    @Test
    void other_events_and_events_without_a_session_are_ignored() {
        assertThat(deliver(webhook("OTP_REQUIRED", SESSION, "task-1", false, null, 1))).isEqualTo(Outcome.IGNORED);
        assertThat(deliver(webhook("MERCHANT_STATUS_UPDATE", null, null, false, null, 1))).isEqualTo(Outcome.IGNORED);
        assertThat(switches.merchants("alice")).isEmpty();
    }

    @Test
    void a_card_sent_is_answered_as_sent_even_when_marking_it_applied_fails() {
        records.failMarkingApplied();

        assertThat(deliver(webhook("AUTHENTICATED", SESSION, "task-1", true, null, 1))).isEqualTo(Outcome.CARD_SENT);
        assertThat(knot.cards).hasSize(1);
    }
}
