package dev.plaidknot.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** API Gateway payload 2.0 events as the HTTP API sends them after its JWT authorizer. */
public final class ApiEvents {

    private ApiEvents() {
    }

    /** A request from the user whose verified JWT has this {@code sub}. */
    public static APIGatewayV2HTTPEvent from(String sub, String routeKey, String body) {
        Map<String, String> claims = new HashMap<>();
        claims.put("sub", sub);
        claims.put("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example");
        claims.put("token_use", "access");
        return event(routeKey, body, RequestContext.Authorizer.builder()
                .withJwt(RequestContext.Authorizer.JWT.builder().withClaims(claims).withScopes(null).build())
                .build());
    }

    /** A request with no authorizer context at all (route not behind the authorizer, or misrouted). */
    public static APIGatewayV2HTTPEvent anonymous(String routeKey, String body) {
        return event(routeKey, body, null);
    }

    private static APIGatewayV2HTTPEvent event(String routeKey, String body, RequestContext.Authorizer authorizer) {
        String[] parts = routeKey.split(" ", 2);
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(parts[1])
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(RequestContext.builder()
                        .withRouteKey(routeKey)
                        .withRequestId(UUID.randomUUID().toString())
                        .withHttp(RequestContext.Http.builder().withMethod(parts[0]).withPath(parts[1]).build())
                        .withAuthorizer(authorizer)
                        .build())
                .build();
    }
}
