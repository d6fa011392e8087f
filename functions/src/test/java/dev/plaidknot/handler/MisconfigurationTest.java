package dev.plaidknot.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.config.Settings;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import dev.plaidknot.testing.TestJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A function deployed without its settings still answers in the documented error shape. */
class MisconfigurationTest {

    private static Wiring unconfigured() {
        return new Wiring(new Settings(Map.of()),
                () -> { throw new AssertionError("no secrets client without a secret ARN"); },
                () -> { throw new AssertionError("no table client without a table"); },
                () -> { throw new AssertionError("no KMS client without a key"); },
                () -> { throw new AssertionError("no Lambda client without a card platform"); });
    }

    @Test
    void missing_settings_are_a_500_in_the_error_shape_not_an_init_crash() throws Exception {
        var linkTokens = new CreateLinkTokenHandler(unconfigured());
        var exchange = new ExchangePublicTokenHandler(unconfigured());

        APIGatewayV2HTTPResponse link = linkTokens.handleRequest(
                ApiEvents.from("user-1", "POST /create_link_token", null), new LambdaContext());
        APIGatewayV2HTTPResponse exchanged = exchange.handleRequest(ApiEvents.from("user-1",
                "POST /exchange_public_token", "{\"public_token\":\"public-sandbox-5c224a01-8314-4491-a06f-39e193d5cddc\"}"),
                new LambdaContext());

        for (APIGatewayV2HTTPResponse response : new APIGatewayV2HTTPResponse[] {link, exchanged}) {
            assertThat(response.getStatusCode()).isEqualTo(500);
            assertThat(TestJson.read(response.getBody()).path("error").path("code").asText())
                    .isEqualTo("SERVICE_MISCONFIGURED");
        }
    }
}
