package dev.plaidknot.startup.standin;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * API Gateway HTTP API (payload 2.0) events for the priming walk, as bytes, the way Lambda's
 * runtime hands an event to a handler. Made-up ids only; the caller is "priming-user". Each
 * carries what API Gateway puts in every event (the usual headers, the whole request context, a
 * Cognito access token's claims, {@code "scopes": null}), so the JSON reading the walk leaves
 * compiled has met the fields and nulls of a real event: a bare event left branches that the
 * first real request took, and the JIT threw that code away on it.
 */
public final class PrimingEvents {

    public static final String CALLER = "priming-user";
    private static final String HOST = "priming.execute-api.us-east-1.amazonaws.com";
    private static final String USER_AGENT = "Mozilla/5.0 (priming)";

    private PrimingEvents() {
    }

    /** An event from a signed-in caller (a verified JWT's {@code sub}), as every route but the webhook has. */
    public static byte[] fromCaller(String routeKey, String path, Map<String, String> pathParameters,
                             Map<String, String> query, String body) {
        JsonObject claims = Json.fields().put("auth_time", "1700000000").put("client_id", "priming")
                .put("event_id", "priming").put("exp", "1700003600").put("iat", "1700000000")
                .put("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_priming").put("jti", "priming")
                .put("origin_jti", "priming").put("scope", "aws.cognito.signin.user.admin").put("sub", CALLER)
                .put("token_use", "access").put("username", CALLER).build();
        JsonObject jwt = new JsonObject();
        jwt.add("claims", claims);
        jwt.add("scopes", JsonNull.INSTANCE);
        JsonObject authorizer = new JsonObject();
        authorizer.add("jwt", jwt);
        return event(routeKey, path, pathParameters, query,
                Map.of("authorization", "Bearer priming", "content-type", "application/json"), authorizer, body);
    }

    /** An event with no JWT, as Plaid's webhooks arrive. */
    public static byte[] anonymous(String routeKey, String path, Map<String, String> headers, String body) {
        return event(routeKey, path, Map.of(), Map.of(), headers, null, body);
    }

    private static byte[] event(String routeKey, String path, Map<String, String> pathParameters,
                                Map<String, String> query, Map<String, String> headers, JsonObject authorizer,
                                String body) {
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        JsonObject http = Json.fields().put("method", method).put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1").put("userAgent", USER_AGENT).build();
        JsonObject context = Json.fields().put("accountId", "000000000000").put("apiId", "priming")
                .put("domainName", HOST).put("domainPrefix", "priming").put("requestId", "priming")
                .put("routeKey", routeKey).put("stage", "$default").put("time", "14/Nov/2023:22:13:20 +0000")
                .put("timeEpoch", System.currentTimeMillis()).build();
        context.add("http", http);
        if (authorizer != null) {
            context.add("authorizer", authorizer);
        }
        JsonObject event = Json.fields().put("version", "2.0").put("routeKey", routeKey).put("rawPath", path)
                .put("rawQueryString", "").put("isBase64Encoded", false).build();
        Map<String, String> allHeaders = new TreeMap<>(Map.of("accept", "application/json",
                "content-length", String.valueOf(body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length),
                "host", HOST, "user-agent", USER_AGENT, "x-amzn-trace-id", "Root=1-00000000-000000000000000000000000",
                "x-forwarded-for", "127.0.0.1", "x-forwarded-port", "443", "x-forwarded-proto", "https"));
        allHeaders.putAll(headers);
        event.add("headers", object(allHeaders));
        if (!pathParameters.isEmpty()) {
            event.add("pathParameters", object(pathParameters));
        }
        if (!query.isEmpty()) {
            event.add("queryStringParameters", object(query));
        }
        event.add("requestContext", context);
        if (body != null) {
            event.addProperty("body", body);
        }
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject object(Map<String, String> values) {
        JsonObject object = new JsonObject();
        values.forEach(object::addProperty);
        return object;
    }
}
