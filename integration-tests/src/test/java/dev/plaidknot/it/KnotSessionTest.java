package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.sim.KnotSimulator;
import dev.plaidknot.sim.PlaidError;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.Api;
import dev.plaidknot.support.LogCapture;
import dev.plaidknot.support.LogLines;
import dev.plaidknot.support.TestRig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hand-off to Knot: link → exchange → CardSwitcher session carrying the right processor token. */
class KnotSessionTest {

    private static TestRig rig;
    private static Api api;
    private static final List<String> SESSIONS = new ArrayList<>();
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        rig = new TestRig();
        api = new Api(rig.wiring(), rig.plaid);
        logs = new LogCapture();
    }

    @AfterAll
    static void stop() {
        logs.close();
        String text = logs.text();
        List<String> secrets = new ArrayList<>(SESSIONS);
        rig.knot.sessions().forEach(s -> secrets.add(s.session()));
        rig.plaid.allSecrets().forEach(secrets::add);
        rig.close();
        assertThat(LogLines.requests(LogLines.parse(text)))
                .anyMatch(l -> l.path("route").asText().equals("knot_session") && l.path("status").asInt() == 201);
        for (String secret : secrets) {
            assertThat(text).as("logs of the Knot tests hold a session or token").doesNotContain(secret);
        }
        assertThat(text).doesNotContain("processor-sandbox-");
    }

    private static APIGatewayV2HTTPResponse session(String user, String body) {
        APIGatewayV2HTTPResponse response = api.knotSession(user, body);
        if (response.getStatusCode() == 201) {
            SESSIONS.add(json(response).path("session").asText());
        }
        return response;
    }

    @Test
    void knot_receives_exactly_the_processor_token_issued_for_the_users_newest_account() {
        api.link("knot-alice");
        String itemId = api.link("knot-alice");
        PlaidSimulator.Item item = rig.plaid.item(itemId).orElseThrow();

        APIGatewayV2HTTPResponse response = session("knot-alice", "{\"card_id\":\"card-1\"}");

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode body = json(response);
        assertThat(body.path("environment").asText()).isEqualTo("development");
        assertThat(body.path("transactions_linked").asBoolean()).isTrue();
        KnotSimulator.Session seen = rig.knot.sessions().getLast();
        assertThat(seen.session()).isEqualTo(body.path("session").asText());
        assertThat(seen.externalUserId()).isEqualTo("knot-alice");
        assertThat(seen.cardId()).isEqualTo("card-1");
        List<String> newestItemsTokens = item.processorTokensByAccount.values().stream().flatMap(List::stream).toList();
        assertThat(newestItemsTokens).contains(seen.processorToken());
        assertThat(response.getBody()).doesNotContain(seen.processorToken());
    }

    @Test
    void a_chosen_account_sends_that_accounts_token() {
        String itemId = api.link("knot-chooser");
        PlaidSimulator.Item item = rig.plaid.item(itemId).orElseThrow();
        String saving = item.accounts.get(1).accountId();

        APIGatewayV2HTTPResponse response = session("knot-chooser",
                "{\"card_id\":\"card-2\",\"account_id\":\"" + saving + "\"}");

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(item.processorTokensByAccount.get(saving)).containsExactly(rig.knot.sessions().getLast().processorToken());
    }

    @Test
    void another_users_or_an_unknown_account_is_404_and_knot_is_not_called() {
        String itemId = api.link("knot-owner");
        String account = rig.plaid.item(itemId).orElseThrow().accounts.getFirst().accountId();
        int calls = rig.knot.calls();

        APIGatewayV2HTTPResponse theirs = session("knot-intruder", "{\"card_id\":\"card-1\",\"account_id\":\"" + account + "\"}");
        APIGatewayV2HTTPResponse unknown = session("knot-intruder", "{\"card_id\":\"card-1\",\"account_id\":\"NoSuchAccount\"}");

        assertThat(theirs.getStatusCode()).isEqualTo(404);
        assertThat(json(theirs)).isEqualTo(json(unknown));
        assertThat(rig.knot.calls()).isEqualTo(calls);
    }

    @Test
    void an_account_whose_token_failed_is_409() {
        for (int i = 0; i < 3; i++) {
            rig.plaid.failNextForAccount("/processor/token/create", "Plaid Checking", PlaidError.internalServerError());
        }
        String itemId = api.link("knot-failed");
        String failed = rig.plaid.item(itemId).orElseThrow().accounts.getFirst().accountId();

        APIGatewayV2HTTPResponse response = session("knot-failed", "{\"card_id\":\"card-1\",\"account_id\":\"" + failed + "\"}");

        assertThat(response.getStatusCode()).isEqualTo(409);
        assertThat(json(response).path("error").path("message").asText()).contains("processor token");
    }

    @Test
    void nothing_linked_gives_a_session_without_a_processor_token() {
        APIGatewayV2HTTPResponse response = session("knot-newcomer", "{\"card_id\":\"card-1\"}");

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(json(response).path("transactions_linked").asBoolean()).isFalse();
        assertThat(rig.knot.sessions().getLast().processorToken()).isNull();
    }

    @Test
    void a_bad_card_id_never_reaches_knot() {
        int calls = rig.knot.calls();
        for (String body : List.of("{}", "{\"card_id\":\"\"}", "{\"card_id\":42}", "{\"card_id\":\"a b\"}",
                "{\"card_id\":\"" + "x".repeat(129) + "\"}", "{\"card_id\":\"c\",\"external_user_id\":\"someone\"}")) {
            APIGatewayV2HTTPResponse response = session("knot-bad-input", body);
            assertThat(response.getStatusCode()).as(body).isEqualTo(400);
            assertThat(json(response).path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        }
        assertThat(rig.knot.calls()).isEqualTo(calls);
    }

    @Test
    void rejected_knot_keys_are_refetched_once() {
        try (TestRig own = new TestRig()) {
            Api ownApi = new Api(own.wiring(Map.of("SECRET_CACHE_SECONDS", "3600")), own.plaid);
            assertThat(ownApi.knotSession("rotation", "{\"card_id\":\"card-1\"}").getStatusCode()).isEqualTo(201);
            own.knot.rotateSecret("rotated-knot-secret");
            own.secrets.putSecretValue(p -> p.secretId(own.knotSecretArn)
                    .secretString(TestRig.secretJson(TestRig.KNOT_CLIENT_ID, "rotated-knot-secret", "development")));
            int calls = own.knot.calls();

            assertThat(ownApi.knotSession("rotation", "{\"card_id\":\"card-1\"}").getStatusCode()).isEqualTo(201);
            assertThat(own.knot.calls() - calls).isEqualTo(2);

            own.knot.rotateSecret("nobody-has-this");
            calls = own.knot.calls();
            APIGatewayV2HTTPResponse refused = ownApi.knotSession("rotation", "{\"card_id\":\"card-1\"}");
            assertThat(refused.getStatusCode()).isEqualTo(502);
            assertThat(json(refused).path("error").path("knot_error_code").asText()).isEqualTo("INVALID_API_KEYS");
            assertThat(own.knot.calls() - calls).isEqualTo(2);
        }
    }

    @Test
    void knot_down_is_502_after_retries_and_stalled_is_504() {
        int calls = rig.knot.calls();
        for (int i = 0; i < 3; i++) {
            rig.knot.failNext(500, "INTERNAL_SERVER_ERROR", "something broke");
        }
        APIGatewayV2HTTPResponse down = session("knot-down", "{\"card_id\":\"card-1\"}");
        assertThat(down.getStatusCode()).isEqualTo(502);
        assertThat(json(down).path("error").path("code").asText()).isEqualTo("KNOT_UNAVAILABLE");
        assertThat(rig.knot.calls() - calls).isEqualTo(3);

        rig.knot.failNext(500, "INTERNAL_SERVER_ERROR", "blip");
        assertThat(session("knot-down", "{\"card_id\":\"card-1\"}").getStatusCode()).as("one 500 is retried").isEqualTo(201);

        for (int i = 0; i < 3; i++) {
            rig.knot.stallNext(Duration.ofSeconds(10));
        }
        APIGatewayV2HTTPResponse stalled = session("knot-down", "{\"card_id\":\"card-1\"}");
        assertThat(stalled.getStatusCode()).isEqualTo(504);
        assertThat(json(stalled).path("error").path("code").asText()).isEqualTo("KNOT_TIMEOUT");
    }

    @Test
    void knots_refusal_is_502_with_its_code_and_a_message_that_is_safe_to_show() {
        rig.knot.failNext(400, "INVALID_FIELD", "card_id is not a card of this client");
        APIGatewayV2HTTPResponse refused = session("knot-refused", "{\"card_id\":\"card-1\"}");

        assertThat(refused.getStatusCode()).isEqualTo(502);
        JsonNode error = json(refused).path("error");
        assertThat(error.path("code").asText()).isEqualTo("KNOT_ERROR");
        assertThat(error.path("knot_error_code").asText()).isEqualTo("INVALID_FIELD");
        assertThat(error.path("message").asText()).contains("card_id is not a card of this client");

        String itemId = api.link("knot-echo");
        String token = rig.plaid.item(itemId).orElseThrow().processorTokensByAccount.values().iterator().next().getFirst();
        rig.knot.failNext(400, "INVALID_PROCESSOR_TOKEN", "processor token " + token + " is not valid");
        APIGatewayV2HTTPResponse echoed = session("knot-echo", "{\"card_id\":\"card-1\"}");
        assertThat(echoed.getStatusCode()).isEqualTo(502);
        assertThat(echoed.getBody()).doesNotContain(token).doesNotContain("processor-sandbox-");
    }

    @Test
    void a_removed_items_token_is_not_sent() {
        String itemId = api.link("knot-removed");
        assertThat(api.delete("knot-removed", itemId).getStatusCode()).isEqualTo(204);

        APIGatewayV2HTTPResponse response = session("knot-removed", "{\"card_id\":\"card-1\"}");

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(json(response).path("transactions_linked").asBoolean()).isFalse();
    }
}
