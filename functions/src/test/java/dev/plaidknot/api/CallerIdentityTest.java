package dev.plaidknot.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.plaidknot.testing.ApiEvents;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {

    @Test
    void the_caller_is_the_verified_sub_claim() {
        assertThat(CallerIdentity.of(ApiEvents.from("user-42", "POST /x", null))).isEqualTo("user-42");
    }

    @Test
    void no_authorizer_context_is_401() {
        assertUnauthorized(ApiEvents.anonymous("POST /x", null));
        assertUnauthorized(APIGatewayV2HTTPEvent.builder().build());
    }

    @Test
    void blank_oversized_or_control_character_subs_are_401() {
        assertUnauthorized(ApiEvents.from("", "POST /x", null));
        assertUnauthorized(ApiEvents.from("   ", "POST /x", null));
        assertUnauthorized(ApiEvents.from("x".repeat(256), "POST /x", null));
        assertUnauthorized(ApiEvents.from("user\n42", "POST /x", null));
        assertUnauthorized(ApiEvents.from("user\uD800", "POST /x", null));
    }

    private static void assertUnauthorized(APIGatewayV2HTTPEvent event) {
        assertThatThrownBy(() -> CallerIdentity.of(event))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(401));
    }
}
