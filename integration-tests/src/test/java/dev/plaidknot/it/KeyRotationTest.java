package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rotating Plaid's secret while functions hold the old one cached. */
class KeyRotationTest {

    @Test
    void rejected_keys_are_refetched_once_and_the_call_repeated() {
        try (TestRig rig = new TestRig()) {
            var handler = new CreateLinkTokenHandler(rig.wiring(Map.of("SECRET_CACHE_SECONDS", "3600")));
            assertThat(call(handler).getStatusCode()).isEqualTo(200);

            String rotated = "rotated-" + rig.plaidSecret;
            rig.plaid.rotateSecret(rotated);
            rig.secrets.putSecretValue(p -> p.secretId(rig.secretArn)
                    .secretString(TestRig.secretJson(TestRig.CLIENT_ID, rotated, "sandbox")));
            int before = rig.plaid.calls("/link/token/create");

            APIGatewayV2HTTPResponse response = call(handler);

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(rig.plaid.calls("/link/token/create") - before).as("one refused, one with the new keys").isEqualTo(2);
        }
    }

    @Test
    void keys_still_wrong_after_the_refetch_are_502_after_one_repeat() {
        try (TestRig rig = new TestRig()) {
            var handler = new CreateLinkTokenHandler(rig.wiring());
            rig.plaid.rotateSecret("nobody-has-this-secret");
            int before = rig.plaid.calls("/link/token/create");

            APIGatewayV2HTTPResponse response = call(handler);

            assertThat(response.getStatusCode()).isEqualTo(502);
            assertThat(json(response).path("error").path("plaid_error_code").asText()).isEqualTo("INVALID_API_KEYS");
            assertThat(rig.plaid.calls("/link/token/create") - before).isEqualTo(2);
        }
    }

    private static APIGatewayV2HTTPResponse call(CreateLinkTokenHandler handler) {
        return handler.handleRequest(ApiEvents.from("rotation-user", "POST /create_link_token", null), new LambdaContext());
    }
}
