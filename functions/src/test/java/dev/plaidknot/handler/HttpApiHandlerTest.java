package dev.plaidknot.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.testing.LambdaContext;
import dev.plaidknot.testing.TestJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes-in, bytes-out entry Lambda's runtime uses, in place of its own event serializer. */
class HttpApiHandlerTest {

    /** Records the event it was handed and answers with a fixed response. */
    private static final class Recording extends HttpApiHandler {
        APIGatewayV2HTTPEvent seen;

        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
            seen = event;
            return APIGatewayV2HTTPResponse.builder().withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody("{\"name\":\"A&B <Bank>\"}").withIsBase64Encoded(false).build();
        }
    }

    private static String invoke(HttpApiHandler handler, String payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, new LambdaContext());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void payload_2_0_is_mapped_onto_the_event_types_and_the_answer_written_as_api_gateway_reads_it() throws Exception {
        Recording handler = new Recording();
        String answer = invoke(handler, """
                {"version":"2.0","routeKey":"POST /exchange_public_token","rawPath":"/exchange_public_token",
                 "rawQueryString":"limit=5","cookies":["a=1"],
                 "headers":{"content-type":"application/json","x-forwarded-for":"203.0.113.9"},
                 "queryStringParameters":{"limit":"5"},"pathParameters":{"item_id":"item-1"},
                 "requestContext":{"accountId":"123456789012","apiId":"api","domainName":"api.example.com",
                   "http":{"method":"POST","path":"/exchange_public_token","protocol":"HTTP/1.1",
                           "sourceIp":"203.0.113.9","userAgent":"curl/8"},
                   "authorizer":{"jwt":{"claims":{"sub":"user-7","auth_time":1764090000,"email_verified":true},
                                        "scopes":null}},
                   "requestId":"req-1","routeKey":"POST /exchange_public_token","stage":"$default",
                   "time":"25/Nov/2026:18:00:00 +0000","timeEpoch":1764093600000},
                 "body":"eyJhIjoxfQ==","isBase64Encoded":true,"unknownField":{"ignored":[1,2]}}""");

        APIGatewayV2HTTPEvent event = handler.seen;
        assertThat(event.getRouteKey()).isEqualTo("POST /exchange_public_token");
        assertThat(event.getRawQueryString()).isEqualTo("limit=5");
        assertThat(event.getCookies()).containsExactly("a=1");
        assertThat(event.getHeaders()).containsEntry("content-type", "application/json");
        assertThat(event.getQueryStringParameters()).containsEntry("limit", "5");
        assertThat(event.getPathParameters()).containsEntry("item_id", "item-1");
        assertThat(event.getBody()).isEqualTo("eyJhIjoxfQ==");
        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(event.getRequestContext().getHttp().getMethod()).isEqualTo("POST");
        assertThat(event.getRequestContext().getRequestId()).isEqualTo("req-1");
        assertThat(event.getRequestContext().getTimeEpoch()).isEqualTo(1764093600000L);
        // API Gateway may pass a claim as a number or a boolean; it arrives as text, as with Lambda's serializer.
        assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims())
                .containsEntry("sub", "user-7").containsEntry("auth_time", "1764090000").containsEntry("email_verified", "true");

        JsonNode written = TestJson.read(answer);
        assertThat(written.path("statusCode").asInt()).isEqualTo(201);
        assertThat(written.path("headers").path("Content-Type").asText()).isEqualTo("application/json");
        assertThat(written.path("body").asText()).isEqualTo("{\"name\":\"A&B <Bank>\"}");
        assertThat(written.path("isBase64Encoded").isBoolean()).isTrue();
        assertThat(written.has("multiValueHeaders")).as("absent fields are left out, not null").isFalse();
    }

    @Test
    void an_event_of_another_shape_fails_without_quoting_it() {
        assertThatThrownBy(() -> invoke(new Recording(), "{\"requestContext\":\"secret-value\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-value")
                .hasNoCause();
        assertThatThrownBy(() -> invoke(new Recording(), ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
