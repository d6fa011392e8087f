package dev.plaidknot.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ApiRequestTest {

    private static APIGatewayV2HTTPEvent body(String body, boolean base64) {
        return APIGatewayV2HTTPEvent.builder().withBody(body).withIsBase64Encoded(base64).build();
    }

    private static void assertRejected(APIGatewayV2HTTPEvent event, int status, String messagePart) {
        assertThatThrownBy(() -> parseRequired(event))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    @Test
    void reads_plain_and_base64_bodies() {
        assertThat(ApiRequest.of(body("{\"a\":1}", false)).body().json().get("a").getAsInt()).isEqualTo(1);
        String encoded = Base64.getEncoder().encodeToString("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(ApiRequest.of(body(encoded, true)).body().json().get("a").getAsInt()).isEqualTo(2);
    }

    @Test
    void an_absent_body_is_empty_where_optional_and_400_where_required() {
        assertThat(ApiRequest.of(body(null, false)).optionalBody().json().size()).isZero();
        assertThat(ApiRequest.of(body("  \n", false)).optionalBody().json().size()).isZero();
        assertRejected(body(null, false), 400, "required");
    }

    @Test
    void malformed_json_is_located_but_not_quoted() {
        String secretish = "public-sandbox-11111111-2222-4333-8444-555555555555";
        assertThatThrownBy(() -> parseRequired(body("{\"public_token\": \"" + secretish + "\" oops}", false)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage())
                        .contains("not valid JSON").contains("line 1").doesNotContain(secretish).doesNotContain("oops"));
    }

    @Test
    void duplicate_keys_trailing_tokens_and_non_objects_are_refused() {
        assertRejected(body("{\"a\":1,\"a\":2}", false), 400, "duplicate field");
        assertRejected(body("{\"a\":1} {\"a\":2}", false), 400, "not valid JSON");
        assertRejected(body("[1,2]", false), 400, "must be a JSON object");
        assertRejected(body("\"text\"", false), 400, "must be a JSON object");
    }

    @Test
    void deep_nesting_and_oversized_bodies_are_refused() {
        assertRejected(body("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", false), 400, "nested too deeply");
        assertRejected(body("{\"a\":\"" + "x".repeat(ApiRequest.MAX_BODY_BYTES) + "\"}", false), 413, "larger than");
        String encoded = Base64.getEncoder().encodeToString(("{\"a\":\"" + "x".repeat(ApiRequest.MAX_BODY_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertRejected(body(encoded, true), 413, "larger than");
    }

    @Test
    void bad_base64_and_invalid_utf8_are_400() {
        assertRejected(body("***", true), 400, "base64");
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'};
        assertRejected(body(Base64.getEncoder().encodeToString(invalidUtf8), true), 400, "JSON");
    }

    private static void parseRequired(APIGatewayV2HTTPEvent event) {
        ApiRequest.of(event).body();
    }
}
