package dev.plaidknot.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.plaidknot.local.SamTemplate.Route;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpApiEventsTest {

    private static final Route LIST = new Route("GET", "/items", "ListItemsFunction", "x::handleRequest", true, 29);
    private static final Route HOOK = new Route("POST", "/webhooks/plaid", "Hook", "y::handleRequest", false, 29);

    private static APIGatewayV2HTTPEvent event(Route route, String query, Map<String, List<String>> headers,
                                               byte[] body, Optional<String> subject) {
        return HttpApiEvents.from(new HttpApiEvents.HttpRequest(route.method(), route.path(), query, headers, body,
                "127.0.0.1"), new RouteTable.Match(route, Map.of()), subject);
    }

    @Test
    void headers_are_lower_cased_and_repeats_joined_and_cookies_taken_out() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-Trace", List.of("a", "b"));
        headers.put("Cookie", List.of("s=1; t=2"));

        APIGatewayV2HTTPEvent event = event(LIST, null, headers, new byte[0], Optional.of("user-1"));

        assertThat(event.getHeaders()).containsEntry("x-trace", "a,b").doesNotContainKey("cookie")
                .containsEntry("x-forwarded-for", "127.0.0.1").containsEntry("x-forwarded-proto", "http");
        assertThat(event.getHeaders().get("x-amzn-trace-id")).matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24}");
        assertThat(event.getCookies()).containsExactly("s=1", "t=2");
        assertThat(event.getBody()).isNull();
        assertThat(event.getRouteKey()).isEqualTo("GET /items");
        assertThat(event.getVersion()).isEqualTo("2.0");
    }

    @Test
    void query_parameters_are_decoded_and_repeats_comma_joined() {
        APIGatewayV2HTTPEvent event = event(LIST, "limit=5&cursor=a%2Bb&x=1&x=2", Map.of(), new byte[0],
                Optional.of("user-1"));

        assertThat(event.getRawQueryString()).isEqualTo("limit=5&cursor=a%2Bb&x=1&x=2");
        assertThat(event.getQueryStringParameters()).containsEntry("cursor", "a+b").containsEntry("x", "1,2");
    }

    @Test
    void json_bodies_stay_text_and_others_are_base64() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPEvent text = event(HOOK, null, Map.of("Content-Type", List.of("application/json; charset=utf-8")),
                json, Optional.empty());
        APIGatewayV2HTTPEvent binary = event(HOOK, null, Map.of("Content-Type", List.of("application/octet-stream")),
                json, Optional.empty());

        assertThat(text.getIsBase64Encoded()).isFalse();
        assertThat(text.getBody()).isEqualTo("{\"a\":1}");
        assertThat(binary.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(binary.getBody())).isEqualTo(json);
    }

    @Test
    void authorized_routes_carry_the_subject_and_open_routes_no_authorizer() {
        APIGatewayV2HTTPEvent authorized = event(LIST, null, Map.of(), new byte[0], Optional.of("alice"));
        APIGatewayV2HTTPEvent open = event(HOOK, null, Map.of(), new byte[0], Optional.empty());

        assertThat(authorized.getRequestContext().getAuthorizer().getJwt().getClaims()).containsEntry("sub", "alice");
        assertThat(open.getRequestContext().getAuthorizer()).isNull();
        assertThat(authorized.getRequestContext().getRequestId()).isNotEqualTo(open.getRequestContext().getRequestId());
    }
}
