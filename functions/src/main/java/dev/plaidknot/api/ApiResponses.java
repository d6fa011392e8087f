package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;
import java.util.HashMap;
import java.util.Map;

/** Builds API Gateway responses: JSON bodies, never cached (they describe a user's bank links). */
public final class ApiResponses {

    private ApiResponses() {
    }

    public static APIGatewayV2HTTPResponse json(int status, JsonElement body) {
        return response(status, body, Map.of());
    }

    public static APIGatewayV2HTTPResponse noContent() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(204)
                .withHeaders(Map.of("Cache-Control", "no-store"))
                .build();
    }

    public static APIGatewayV2HTTPResponse error(ErrorBody error) {
        JsonObject inner = new JsonObject();
        inner.addProperty("code", error.code());
        inner.addProperty("message", error.message());
        if (error.plaidErrorCode() != null) {
            inner.addProperty("plaid_error_code", error.plaidErrorCode());
        }
        if (error.requestId() != null) {
            inner.addProperty("request_id", error.requestId());
        }
        if (error.displayMessage() != null) {
            inner.addProperty("display_message", error.displayMessage());
        }
        if (error.knotErrorCode() != null) {
            inner.addProperty("knot_error_code", error.knotErrorCode());
        }
        JsonObject body = new JsonObject();
        body.add("error", inner);
        Map<String, String> headers = error.retryAfterSeconds() == null
                ? Map.of()
                : Map.of("Retry-After", Long.toString(error.retryAfterSeconds()));
        return response(error.status(), body, headers);
    }

    private static APIGatewayV2HTTPResponse response(int status, JsonElement body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        String text = Json.write(body);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(text)
                .withIsBase64Encoded(false)
                .build();
    }

    /** The documented error object, plus the HTTP status and an optional Retry-After. */
    public record ErrorBody(int status, String code, String message, String plaidErrorCode, String requestId,
                            String displayMessage, Long retryAfterSeconds, String knotErrorCode) {

        public ErrorBody(int status, String code, String message, String plaidErrorCode, String requestId,
                         String displayMessage, Long retryAfterSeconds) {
            this(status, code, message, plaidErrorCode, requestId, displayMessage, retryAfterSeconds, null);
        }

        public static ErrorBody of(int status, String code, String message) {
            return new ErrorBody(status, code, message, null, null, null, null, null);
        }
    }
}
