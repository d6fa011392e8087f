package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.handler.SandboxPublicTokenHandler;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox walk-through (the README's "Call it" and docs/testing.md), route by route, with only what a caller sends and sees. */
class SandboxShortcutTest extends WithRig {


    @Test
    void sandbox_session_links_lists_survives_login_required_and_deletes() {
        String user = "readme-walkthrough";
        APIGatewayV2HTTPResponse token = api.sandboxPublicToken.handleRequest(
                ApiEvents.from(user, "POST /sandbox/public_token", null), new LambdaContext());
        assertThat(token.getStatusCode()).isEqualTo(201);
        String publicToken = json(token).path("public_token").asText();
        assertThat(rig.plaid.received("/sandbox/public_token/create").getLast().body().path("institution_id").asText())
                .isEqualTo(PlaidSimulator.FIRST_PLATYPUS_BANK);

        APIGatewayV2HTTPResponse exchanged = api.exchange.handleRequest(ApiEvents.from(user,
                "POST /exchange_public_token", "{\"public_token\":\"" + publicToken + "\"}"), new LambdaContext());
        assertThat(exchanged.getStatusCode()).isEqualTo(201);
        String itemId = json(exchanged).path("item_id").asText();

        JsonNode listed = json(api.list(user, Map.of()));
        assertThat(listed.path("items").get(0).path("item_id").asText()).isEqualTo(itemId);
        assertThat(listed.path("items").get(0).path("accounts")).hasSize(3);

        rig.plaid.requireLogin(itemId);
        assertThat(api.deliverSigned(PlaidSimulator.itemWebhook(itemId, "ERROR", "ITEM_LOGIN_REQUIRED")).getStatusCode())
                .isEqualTo(200);
        JsonNode afterWebhook = json(api.list(user, Map.of())).path("items").get(0);
        assertThat(afterWebhook.path("status").asText()).isEqualTo("needs_user");
        assertThat(afterWebhook.path("status_reason").asText()).isEqualTo("ITEM_LOGIN_REQUIRED");

        APIGatewayV2HTTPResponse repair = api.createLinkToken.handleRequest(ApiEvents.from(user,
                "POST /create_link_token", "{\"item_id\":\"" + itemId + "\"}"), new LambdaContext());
        assertThat(repair.getStatusCode()).isEqualTo(200);

        assertThat(api.delete(user, itemId).getStatusCode()).isEqualTo(204);
        assertThat(json(api.list(user, Map.of())).path("items")).isEmpty();
        assertThat(rig.plaid.item(itemId).orElseThrow().removed()).isTrue();
    }

    @Test
    void the_shortcut_does_not_exist_in_production() {
        String production = rig.aws.createSecret(TestRig.secretJson(TestRig.CLIENT_ID, rig.plaidSecret, "production"));
        var handler = new SandboxPublicTokenHandler(rig.wiring(Map.of("PLAID_SECRET_ARN", production)));
        int calls = rig.plaid.calls("/sandbox/public_token/create");

        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.from("prod-user", "POST /sandbox/public_token", null), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(rig.plaid.calls("/sandbox/public_token/create")).isEqualTo(calls);
    }

    @Test
    void the_shortcut_needs_an_identity_and_no_body() {
        assertThat(api.sandboxPublicToken.handleRequest(ApiEvents.anonymous("POST /sandbox/public_token", null),
                new LambdaContext()).getStatusCode()).isEqualTo(401);
        assertThat(api.sandboxPublicToken.handleRequest(ApiEvents.from("u", "POST /sandbox/public_token",
                "{\"institution_id\":\"ins_1\"}"), new LambdaContext()).getStatusCode()).isEqualTo(400);
    }
}
