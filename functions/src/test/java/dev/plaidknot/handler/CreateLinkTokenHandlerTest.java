package dev.plaidknot.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.link.LinkTokenService;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.FakePlaidGateway;
import dev.plaidknot.testing.InMemoryTokenVault;
import dev.plaidknot.testing.LambdaContext;
import dev.plaidknot.testing.TestJson;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CreateLinkTokenHandlerTest {

    private final FakePlaidGateway plaid = new FakePlaidGateway();
    private final InMemoryTokenVault vault = new InMemoryTokenVault();
    private final CreateLinkTokenHandler handler = new CreateLinkTokenHandler(new LinkTokenService(plaid, () -> vault,
            "Acme Card", List.of("transactions"), List.of("US"), "en", Optional.of("https://hooks.example.com/plaid")));

    @Test
    void creates_a_link_token_for_the_sub_with_the_configured_settings() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.from("user-7", "POST /create_link_token", "{}"), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = TestJson.read(response.getBody());
        assertThat(body.path("link_token").asText()).startsWith("link-sandbox-");
        assertThat(body.path("expiration").asText()).isEqualTo("2026-11-25T18:00:00Z");
        assertThat(body.path("request_id").asText()).isEqualTo("req-link");
        assertThat(plaid.lastLinkTokenRequest.clientUserId()).isEqualTo("user-7");
        assertThat(plaid.lastLinkTokenRequest.clientName()).isEqualTo("Acme Card");
        assertThat(plaid.lastLinkTokenRequest.webhookUrl()).isEqualTo("https://hooks.example.com/plaid");
    }

    @Test
    void fields_in_the_body_are_refused_rather_than_ignored() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.from("user-7", "POST /create_link_token", "{\"client_user_id\":\"user-8\"}"), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(plaid.calls).isEmpty();
    }

    @Test
    void no_identity_is_401() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.anonymous("POST /create_link_token", null), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(plaid.calls).isEmpty();
    }

    @Test
    void a_link_token_outside_update_mode_never_builds_the_vault() {
        LinkTokenService service = new LinkTokenService(plaid, () -> {
            throw new AssertionError("the vault was built for a plain link token");
        }, "Acme Card", List.of("transactions"), List.of("US"), "en", Optional.empty());

        assertThat(service.create("user-8").linkToken()).startsWith("link-sandbox-");
    }
}
