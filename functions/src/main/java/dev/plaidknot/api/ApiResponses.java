package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/** Builds API Gateway responses: JSON bodies, never cached (they describe a user's bank links). */
public final class ApiResponses {

    private ApiResponses() {
    }

    public static APIGatewayV2HTTPResponse json(int status, JsonNode body) {
        return response(status, body, Map.of());
    }

    public static APIGatewayV2HTTPResponse noContent() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(204)
                .withHeaders(Map.of("Cache-Control", "no-store"))
                .build();
    }

    public static APIGatewayV2HTTPResponse error(ErrorBody error) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode inner = body.putObject("error");
        inner.put("code", error.code());
        inner.put("message", error.message());
        if (error.plaidErrorCode() != null) {
            inner.put("plaid_error_code", error.plaidErrorCode());
        }
        if (error.requestId() != null) {
            inner.put("request_id", error.requestId());
        }
        if (error.displayMessage() != null) {
            inner.put("display_message", error.displayMessage());
        }
        if (error.knotErrorCode() != null) {
            inner.put("knot_error_code", error.knotErrorCode());
        }
        Map<String, String> headers = error.retryAfterSeconds() == null
                ? Map.of()
                : Map.of("Retry-After", Long.toString(error.retryAfterSeconds()));
        return response(error.status(), body, headers);
    }

    private static APIGatewayV2HTTPResponse response(int status, JsonNode body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
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
