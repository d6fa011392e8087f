package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The one reader of what a caller sent: an API Gateway (payload 2.0) event's path, query, headers
 * and JSON body, each value checked before use. Every refusal is a 400 (413 for a body over the
 * limit) that names the field and what it should be, never what it holds: a body may carry a
 * public token.
 */
public final class ApiRequest {

    /** Link's onSuccess payload for a dozen accounts is a few KiB; this leaves room, not a lever. */
    public static final int MAX_BODY_BYTES = 32 * 1024;

    private final APIGatewayV2HTTPEvent event;

    private ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
    }

    public static ApiRequest of(APIGatewayV2HTTPEvent event) {
        return new ApiRequest(event);
    }

    /** The verified caller ({@link CallerIdentity}). */
    public String caller() {
        return CallerIdentity.of(event);
    }

    public String pathParameter(String name, Pattern format, String description) {
        String value = event.getPathParameters() == null ? null : event.getPathParameters().get(name);
        if (value == null || !format.matcher(value).matches()) {
            throw ApiError.badRequest(name + " in the path must be " + description);
        }
        return value;
    }

    public Optional<String> queryParameter(String name) {
        Map<String, String> query = event.getQueryStringParameters();
        return Optional.ofNullable(query == null ? null : query.get(name));
    }

    /** A whole number in [min, max], or the fallback when absent. */
    public int intQueryParameter(String name, int min, int max, int fallback) {
        Optional<String> raw = queryParameter(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max);
    }

    /** The address the request came from, as API Gateway saw it; null when the event has none. */
    public String sourceIp() {
        return event.getRequestContext() == null || event.getRequestContext().getHttp() == null ? null
                : event.getRequestContext().getHttp().getSourceIp();
    }

    /** A header by name, in any case: API Gateway lowercases them, clients and tests may not. */
    public Optional<String> header(String name) {
        if (event.getHeaders() == null) {
            return Optional.empty();
        }
        return event.getHeaders().entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** The body's fields; an absent body is a 400. */
    public Fields body() {
        byte[] bytes = rawBody();
        if (isBlank(bytes)) {
            throw ApiError.badRequest("request body is required: a JSON object");
        }
        return Fields.of(object(bytes));
    }

    /** The body's fields; an absent or blank body has none. */
    public Fields optionalBody() {
        byte[] bytes = rawBody();
        return Fields.of(isBlank(bytes) ? new JsonObject() : object(bytes));
    }

    /** The body exactly as sent (base64-decoded when API Gateway encoded it), within the size limit. */
    public byte[] rawBody() {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            if (body.length() > (MAX_BODY_BYTES / 3 + 1) * 4) {
                throw ApiError.payloadTooLarge(MAX_BODY_BYTES);
            }
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("request body is marked base64 but is not valid base64");
            }
        } else {
            if (body.length() > MAX_BODY_BYTES) {
                throw ApiError.payloadTooLarge(MAX_BODY_BYTES);
            }
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw ApiError.payloadTooLarge(MAX_BODY_BYTES);
        }
        return bytes;
    }

    /** Bytes already taken from the body ({@link #rawBody()}) read as one JSON object. */
    public static JsonObject object(byte[] bytes) {
        JsonElement value;
        try {
            value = Json.parse(bytes);
        } catch (Json.Malformed e) {
            throw ApiError.badRequest(describe(e));
        }
        if (!value.isJsonObject()) {
            throw ApiError.badRequest("request body must be a JSON object");
        }
        return value.getAsJsonObject();
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String describe(Json.Malformed e) {
        String what = switch (e.fault()) {
            case NOT_UTF8 -> "request body is not valid JSON: it is not UTF-8";
            case DUPLICATE_FIELD -> "request body has a duplicate field";
            case TOO_DEEP, OVERSIZED_VALUE -> "request body is nested too deeply or holds an oversized value";
            case SYNTAX -> "request body is not valid JSON";
        };
        return e.line() < 1 ? what : what + " (line " + e.line() + ", column " + e.column() + ")";
    }

    /**
     * False for text with a lone UTF-16 surrogate: JSON's \\u escapes allow one, but it is no
     * character, and stores (DynamoDB among them) refuse it with a server-side error.
     */
    public static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Typed reads of a JSON object's fields, each refusal naming the field (nested ones by path). */
    public static final class Fields {

        private final JsonObject body;
        private final String where;

        private Fields(JsonObject body, String where) {
            this.body = body;
            this.where = where;
        }

        public static Fields of(JsonObject body) {
            return new Fields(body, "");
        }

        /** The fields of a nested object, for messages such as {@code accounts[2].id}. */
        public static Fields nested(JsonObject body, String where) {
            return new Fields(body, where + ".");
        }

        public JsonObject json() {
            return body;
        }

        public String requiredString(String field, Pattern format, String formatDescription) {
            return optionalString(field, format, formatDescription)
                    .orElseThrow(() -> ApiError.badRequest(where + field + " is required"));
        }

        public Optional<String> optionalString(String field, Pattern format, String formatDescription) {
            JsonElement value = body.get(field);
            if (value == null || value.isJsonNull()) {
                return Optional.empty();
            }
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw ApiError.badRequest(where + field + " must be a string");
            }
            String text = value.getAsString();
            if (!isWellFormed(text) || !format.matcher(text).matches()) {
                throw ApiError.badRequest(where + field + " must be " + formatDescription);
            }
            return Optional.of(text);
        }

        public Optional<JsonArray> optionalArray(String field) {
            JsonElement value = body.get(field);
            if (value == null || value.isJsonNull()) {
                return Optional.empty();
            }
            if (!value.isJsonArray()) {
                throw ApiError.badRequest(where + field + " must be an array");
            }
            return Optional.of(value.getAsJsonArray());
        }

        public Optional<JsonObject> optionalObject(String field) {
            JsonElement value = body.get(field);
            if (value == null || value.isJsonNull()) {
                return Optional.empty();
            }
            if (!value.isJsonObject()) {
                throw ApiError.badRequest(where + field + " must be an object");
            }
            return Optional.of(value.getAsJsonObject());
        }

        public void rejectAnyField(String why) {
            if (!body.isEmpty()) {
                throw ApiError.badRequest(why);
            }
        }

        /** Refuses fields this route does not know, rather than silently ignoring them. */
        public void rejectFieldsOtherThan(Set<String> known) {
            for (String name : body.keySet()) {
                if (!known.contains(name)) {
                    throw ApiError.badRequest(where + "fields other than " + new TreeSet<>(known) + " are not accepted");
                }
            }
        }
    }
}
