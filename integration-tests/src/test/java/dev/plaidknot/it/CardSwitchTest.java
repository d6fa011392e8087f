package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.sim.KnotSimulator;
import dev.plaidknot.sim.KnotSimulator.Merchant;
import dev.plaidknot.sim.KnotSimulator.MerchantLogin;
import dev.plaidknot.sim.LambdaInvokeSimulator.Invocation;
import dev.plaidknot.support.Api;
import dev.plaidknot.support.LogCapture;
import dev.plaidknot.support.LogLines;
import dev.plaidknot.support.WithRig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CardSwitcher end to end, with the Knot simulator playing the cardholder's merchant logins, the
 * development card platform behind Lambda's Invoke API, and every webhook through the handler as
 * API Gateway passes it on: only the cardholder's own card, switched once per task, and the app
 * sees where.
 */
class CardSwitchTest extends WithRig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Merchant STREAMING = new Merchant(12, "Streaming Service");
    private static final Merchant GROCER = new Merchant(48, "Grocery Delivery");

    @BeforeEach
    void knotPostsToTheService() {
        rig.knot.sendWebhooksTo(api.knotWebhooks());
        rig.knot.waitForCardsUpTo(KnotSimulator.CARD_WINDOW);
    }

    /** A cardholder of this test alone; every cardholder holds card-1 and card-2 at the development platform. */
    private static String fresh() {
        return "holder-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private static String openSession(String user, String card) {
        APIGatewayV2HTTPResponse response = api.knotSession(user, "{\"card_id\":\"" + card + "\"}");
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        return json(response).path("session").asText();
    }

    private static JsonNode merchants(String user) {
        APIGatewayV2HTTPResponse response = api.merchants(user);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return json(response).path("merchants");
    }

    private static List<Invocation> cardPlatformCalls(String action) {
        return rig.lambda.invocations().stream().filter(i -> i.payload().contains("\"" + action + "\"")).toList();
    }

    @Test
    void a_card_the_caller_does_not_hold_is_not_found_and_knot_is_never_called() {
        int knotCalls = rig.knot.calls();

        APIGatewayV2HTTPResponse response = api.knotSession("cardholder-a", "{\"card_id\":\"card-b\"}");

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(rig.knot.calls()).isEqualTo(knotCalls);
    }

    @Test
    void a_merchant_login_switches_the_card_once_with_the_webhooks_task_and_the_platforms_card() {
        String user = fresh();
        String other = fresh();
        String session = openSession(user, "card-1");
        int cardCalls = rig.knot.cardCalls();

        MerchantLogin login = rig.knot.loginToMerchant(session, STREAMING, true, null);

        assertThat(login.authenticatedStatus()).isEqualTo(200);
        assertThat(login.cardReceived()).isTrue();
        assertThat(rig.knot.cardCalls() - cardCalls).isEqualTo(1);
        assertThat(rig.knot.receivedCards()).filteredOn(c -> c.taskId().equals(login.taskId())).singleElement()
                .satisfies(card -> {
                    assertThat(card.body().path("card").path("number").asText()).isEqualTo("4242424242424242");
                    assertThat(card.body().path("user").path("name").path("first_name").asText()).isNotBlank();
                });
        assertThat(login.finalEvent()).isEqualTo("CARD_UPDATED");
        assertThat(login.finalStatus()).isEqualTo(200);
        assertThat(merchants(user)).singleElement().satisfies(m -> {
            assertThat(m.path("merchant").path("name").asText()).isEqualTo("Streaming Service");
            assertThat(m.path("card_id").asText()).isEqualTo("card-1");
            assertThat(m.path("status").asText()).isEqualTo("updated");
            assertThat(m.has("reason")).isFalse();
        });
        openSession(other, "card-1");
        assertThat(merchants(other)).as("listed for that cardholder only").isEmpty();
    }

    @Test
    void send_card_false_sends_nothing() {
        String session = openSession("cardholder-a", "card-a");
        int cardCalls = rig.knot.cardCalls();
        int jwes = cardPlatformCalls("card_jwe").size();

        MerchantLogin login = rig.knot.loginToMerchant(session, GROCER, false, null);

        assertThat(login.authenticatedStatus()).isEqualTo(200);
        assertThat(rig.knot.cardCalls()).isEqualTo(cardCalls);
        assertThat(cardPlatformCalls("card_jwe")).hasSize(jwes);
    }

    @Test
    void the_same_authenticated_delivered_twice_switches_once() {
        String session = openSession("cardholder-a", "card-a");
        List<Integer> statuses = new ArrayList<>();
        KnotSimulator.WebhookReceiver service = api.knotWebhooks();
        rig.knot.sendWebhooksTo((headers, body) -> {
            int status = service.deliver(headers, body);
            if (new String(body, StandardCharsets.UTF_8).contains("\"AUTHENTICATED\"")) {
                statuses.add(status);
                statuses.add(service.deliver(headers, body)); // Knot's retry of a delivery it thinks was lost
            }
            return status;
        });
        int cardCalls = rig.knot.cardCalls();

        MerchantLogin login = rig.knot.loginToMerchant(session, STREAMING, true, null);

        assertThat(statuses).containsExactly(200, 200);
        assertThat(login.cardReceived()).isTrue();
        assertThat(rig.knot.cardCalls() - cardCalls).isEqualTo(1);
    }

    @Test
    void a_webhook_for_a_session_the_service_does_not_hold_is_answered_and_nothing_is_sent() {
        int cardCalls = rig.knot.cardCalls();
        int platformCalls = rig.lambda.invocations().size();
        ObjectNode data = JSON.createObjectNode().put("card_id", "card-a").put("send_card", true);
        var webhook = rig.knot.signedWebhook("AUTHENTICATED", "a-session-of-another-deployment", "task-x",
                "cardholder-a", STREAMING, data);

        APIGatewayV2HTTPResponse response = api.deliverKnot(webhook.getKey(), webhook.getValue(), Api.KNOT_ADDRESS);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(json(response).path("outcome").asText()).isEqualTo("unknown_session");
        assertThat(rig.knot.cardCalls()).isEqualTo(cardCalls);
        assertThat(rig.lambda.invocations()).hasSize(platformCalls);
    }

    @Test
    void a_missing_wrong_or_other_secret_signature_is_a_401_that_changes_nothing() {
        String user = fresh();
        String session = openSession(user, "card-1");
        ObjectNode data = JSON.createObjectNode().put("card_id", "card-1");
        var webhook = rig.knot.signedWebhook("CARD_UPDATED", session, "task-sig", user, GROCER, data);
        byte[] body = webhook.getValue();
        int records = rig.allRecords().size();
        List<Map<String, String>> forged = new ArrayList<>();
        Map<String, String> missing = new HashMap<>(webhook.getKey());
        missing.remove("Knot-Signature");
        forged.add(missing);
        forged.add(withSignature(webhook.getKey(), "bm90IGEgc2lnbmF0dXJl"));
        forged.add(withSignature(webhook.getKey(), KnotSimulator.sign(body.length, "application/json", "CARD_UPDATED",
                session, "another-knot-secret")));
        // Knot's own secret, but for a body of another length: the signature covers Content-Length.
        forged.add(withSignature(webhook.getKey(), KnotSimulator.sign(body.length + 1, "application/json",
                "CARD_UPDATED", session, rig.knotSecret)));

        for (Map<String, String> headers : forged) {
            APIGatewayV2HTTPResponse response = api.deliverKnot(headers, body, Api.KNOT_ADDRESS);
            assertThat(response.getStatusCode()).as(headers.toString()).isEqualTo(401);
            assertThat(json(response).path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
        }
        assertThat(rig.allRecords()).hasSize(records);
        assertThat(merchants(user)).isEmpty();
        assertThat(api.deliverKnot(webhook.getKey(), body, Api.KNOT_ADDRESS).getStatusCode())
                .as("the same delivery, signed by Knot, is applied").isEqualTo(200);
        assertThat(merchants(user)).hasSize(1);
    }

    private static Map<String, String> withSignature(Map<String, String> headers, String signature) {
        Map<String, String> changed = new HashMap<>(headers);
        changed.put("Knot-Signature", signature);
        return changed;
    }

    @Test
    void a_webhook_from_outside_knots_address_is_refused() {
        String user = fresh();
        String session = openSession(user, "card-1");
        var webhook = rig.knot.signedWebhook("CARD_UPDATED", session, "task-ip", user, GROCER,
                JSON.createObjectNode().put("card_id", "card-1"));

        APIGatewayV2HTTPResponse response = api.deliverKnot(webhook.getKey(), webhook.getValue(), "198.51.100.23");

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(merchants(user)).isEmpty();
    }

    @Test
    void a_body_naming_another_cardholder_or_card_still_switches_the_session_records_user_and_card() {
        String user = fresh();
        String victim = "victim-" + user.substring("holder-".length());
        String session = openSession(user, "card-1");
        KnotSimulator.WebhookReceiver service = api.knotWebhooks();
        // Same lengths, so Knot's signature (which covers only the length, type, event and session) still verifies.
        assertThat(victim).hasSameSizeAs(user);
        rig.knot.sendWebhooksTo((headers, body) -> service.deliver(headers, new String(body, StandardCharsets.UTF_8)
                .replace(user, victim).replace("\"card-1\"", "\"card-2\"").getBytes(StandardCharsets.UTF_8)));
        int jwes = cardPlatformCalls("card_jwe").size();

        MerchantLogin login = rig.knot.loginToMerchant(session, GROCER, true, null);

        assertThat(login.cardReceived()).isTrue();
        List<Invocation> asked = cardPlatformCalls("card_jwe");
        assertThat(asked).hasSize(jwes + 1);
        assertThat(asked.getLast().payload()).contains("\"user_id\":\"" + user + "\"").contains("\"card_id\":\"card-1\"");
        assertThat(merchants(user)).singleElement().satisfies(m -> {
            assertThat(m.path("merchant").path("id").asText()).isEqualTo(String.valueOf(GROCER.id()));
            assertThat(m.path("card_id").asText()).isEqualTo("card-1");
        });
        assertThat(merchants(victim)).isEmpty();
    }

    @Test
    void card_failed_is_listed_with_knots_reason_for_that_cardholder_only() {
        String user = fresh();
        String session = openSession(user, "card-2");

        MerchantLogin login = rig.knot.loginToMerchant(session, STREAMING, true, "merchant declined the card");

        assertThat(login.finalEvent()).isEqualTo("CARD_FAILED");
        assertThat(merchants(user)).singleElement().satisfies(m -> {
            assertThat(m.path("status").asText()).isEqualTo("failed");
            assertThat(m.path("reason").asText()).isEqualTo("merchant declined the card");
            assertThat(m.path("card_id").asText()).isEqualTo("card-2");
        });
        assertThat(merchants(fresh())).isEmpty();
    }

    @Test
    void a_card_platform_that_fails_or_stalls_is_a_failed_switch_recorded_counted_and_answered() {
        // Shorter than Knot's 15 s so the test is quick, longer than the card platform's bound here (3 s).
        rig.knot.waitForCardsUpTo(Duration.ofMillis(3_500));
        for (boolean stall : new boolean[] {false, true}) {
            String user = fresh();
            String session = openSession(user, "card-1");
            if (stall) {
                rig.lambda.stallNext(Duration.ofSeconds(6)); // past the card platform's bound (3 s here)
            } else {
                rig.lambda.failNext();
            }
            int cardCalls = rig.knot.cardCalls();
            List<String> lines;
            MerchantLogin login;
            try (LogCapture capture = new LogCapture()) {
                login = rig.knot.loginToMerchant(session, STREAMING, true, null);
                lines = List.of(capture.text().split("\n"));
            }

            assertThat(login.authenticatedStatus()).as("answered, so Knot does not retry for ever").isEqualTo(200);
            assertThat(login.cardReceived()).isFalse();
            assertThat(rig.knot.cardCalls()).isEqualTo(cardCalls);
            assertThat(merchants(user)).singleElement().satisfies(m -> {
                assertThat(m.path("status").asText()).isEqualTo("failed");
                assertThat(m.path("reason").asText()).as("Knot's CARD_FAILED came later and wins")
                        .isEqualTo("card not received in time");
            });
            assertThat(LogLines.parse(String.join("\n", lines))).anySatisfy(line ->
                    assertThat(line.path("CardSwitchesFailed").asInt()).isEqualTo(1));
        }
    }

    @Test
    void a_session_is_extended_only_for_the_caller_who_opened_it() {
        String session = openSession("cardholder-a", "card-a");

        APIGatewayV2HTTPResponse other = api.extendSession("cardholder-b", "{\"session\":\"" + session + "\"}");
        APIGatewayV2HTTPResponse own = api.extendSession("cardholder-a", "{\"session\":\"" + session + "\"}");

        assertThat(other.getStatusCode()).isEqualTo(404);
        assertThat(own.getStatusCode()).as(own.getBody()).isEqualTo(200);
        assertThat(json(own).path("expires_at").asText()).isNotBlank();
    }

    @Test
    void the_logs_of_a_switch_hold_no_session_jwe_card_number_or_secret() {
        String logs;
        String session;
        try (LogCapture capture = new LogCapture()) {
            session = openSession("cardholder-a", "card-a");
            rig.knot.loginToMerchant(session, STREAMING, true, null);
            rig.knot.loginToMerchant(session, GROCER, true, "declined");
            api.extendSession("cardholder-a", "{\"session\":\"" + session + "\"}");
            api.merchants("cardholder-a");
            var forged = rig.knot.signedWebhook("AUTHENTICATED", session, "t", "cardholder-a", GROCER, null);
            api.deliverKnot(withSignature(forged.getKey(), "forged"), forged.getValue(), Api.KNOT_ADDRESS);
            logs = capture.text();
        }

        assertThat(LogLines.requests(LogLines.parse(logs))).extracting(l -> l.path("route").asText())
                .as("the capture saw the service's lines").contains("knot_session", "knot_webhook", "knot_merchants");
        assertThat(logs).doesNotContain(session).doesNotContain("4242424242424242").doesNotContain(rig.knotSecret)
                .doesNotContain(rig.plaidSecret);
        for (KnotSimulator.ReceivedCard card : rig.knot.receivedCards()) {
            assertThat(logs).doesNotContain(card.body().path("card").path("cvv").asText() + "\"");
        }
        assertThat(logs).doesNotContainPattern("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.");
    }
}
