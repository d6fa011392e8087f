package dev.plaidknot.snapstart;

import com.google.gson.JsonObject;
import dev.plaidknot.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * API Gateway HTTP API (payload 2.0) events for the priming walk, as bytes, the way Lambda's
 * runtime hands an event to a handler. Made-up ids only; the caller is "priming-user".
 */
final class PrimingEvents {

    static final String CALLER = "priming-user";

    private PrimingEvents() {
    }

    /** An event from a signed-in caller (a verified JWT's {@code sub}), as every route but the webhook has. */
    static byte[] fromCaller(String routeKey, String path, Map<String, String> pathParameters,
                             Map<String, String> query, String body) {
        JsonObject claims = Json.fields().put("sub", CALLER).build();
        JsonObject jwt = new JsonObject();
        jwt.add("claims", claims);
        JsonObject authorizer = new JsonObject();
        authorizer.add("jwt", jwt);
        return event(routeKey, path, pathParameters, query, Map.of("content-type", "application/json"), authorizer, body);
    }

    /** An event with no JWT, as Plaid's webhooks arrive. */
    static byte[] anonymous(String routeKey, String path, Map<String, String> headers, String body) {
        return event(routeKey, path, Map.of(), Map.of(), headers, null, body);
    }

    private static byte[] event(String routeKey, String path, Map<String, String> pathParameters,
                                Map<String, String> query, Map<String, String> headers, JsonObject authorizer,
                                String body) {
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        JsonObject http = Json.fields().put("method", method).put("path", path).put("sourceIp", "127.0.0.1").build();
        JsonObject context = Json.fields().put("requestId", "priming").put("routeKey", routeKey)
                .put("timeEpoch", System.currentTimeMillis()).build();
        context.add("http", http);
        if (authorizer != null) {
            context.add("authorizer", authorizer);
        }
        JsonObject event = Json.fields().put("version", "2.0").put("routeKey", routeKey).put("rawPath", path)
                .put("rawQueryString", "").put("isBase64Encoded", false).build();
        event.add("headers", object(headers));
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
