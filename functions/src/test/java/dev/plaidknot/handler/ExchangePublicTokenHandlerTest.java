package dev.plaidknot.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.link.ProcessorTokenIssuer;
import dev.plaidknot.link.PublicTokenExchange;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.FakePlaidGateway;
import dev.plaidknot.testing.InMemoryExchangeLedger;
import dev.plaidknot.testing.InMemoryTokenVault;
import dev.plaidknot.testing.LambdaContext;
import dev.plaidknot.testing.TestJson;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExchangePublicTokenHandlerTest {

    private final FakePlaidGateway plaid = new FakePlaidGateway();
    private final InMemoryExchangeLedger ledger = new InMemoryExchangeLedger();
    private final InMemoryTokenVault vault = new InMemoryTokenVault(ledger);
    private final ExchangePublicTokenHandler handler = new ExchangePublicTokenHandler(
            new PublicTokenExchange(plaid, vault, new ProcessorTokenIssuer(plaid, vault),
                    ledger, Clock.systemUTC(), Duration.ZERO));

    private APIGatewayV2HTTPResponse post(String sub, String body) {
        return handler.handleRequest(ApiEvents.from(sub, "POST /exchange_public_token", body), new LambdaContext());
    }

    @Test
    void answers_201_with_the_item_and_its_accounts_and_no_token() throws Exception {
        APIGatewayV2HTTPResponse response = post("user-1", "{\"public_token\":\"" + plaid.newPublicToken() + "\"}");

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json").containsEntry("Cache-Control", "no-store");
        JsonNode body = TestJson.read(response.getBody());
        assertThat(body.path("item_id").asText()).isEqualTo(vault.items.keySet().iterator().next());
        assertThat(body.path("accounts")).hasSize(3);
        assertThat(response.getBody()).doesNotContain("access-sandbox-").doesNotContain("processor-sandbox-")
                .doesNotContain("public-sandbox-");
    }

    @Test
    void identity_is_checked_before_the_body() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.anonymous("POST /exchange_public_token", "not json"), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(TestJson.read(response.getBody()).path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(plaid.calls).isEmpty();
    }

    @Test
    void plaid_rate_limit_maps_to_429_with_retry_after() throws Exception {
        plaid.failNext("item/public_token/exchange", FakePlaidGateway.rateLimited("item/public_token/exchange"));

        APIGatewayV2HTTPResponse response = post("user-1", "{\"public_token\":\"" + plaid.newPublicToken() + "\"}");

        assertThat(response.getStatusCode()).isEqualTo(429);
        assertThat(response.getHeaders()).containsEntry("Retry-After", "7");
        JsonNode error = TestJson.read(response.getBody()).path("error");
        assertThat(error.path("plaid_error_code").asText()).isEqualTo("RATE_LIMIT");
        assertThat(error.path("request_id").asText()).isEqualTo("req-429");
        assertThat(vault.items).isEmpty();
    }

    @Test
    void a_store_failure_is_503_and_the_item_is_removed_at_plaid() throws Exception {
        vault.failNextWrite();

        APIGatewayV2HTTPResponse response = post("user-1", "{\"public_token\":\"" + plaid.newPublicToken() + "\"}");

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(TestJson.read(response.getBody()).path("error").path("code").asText())
                .isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(plaid.removedAccessTokens).hasSize(1);
    }
}
