package dev.plaidknot.api;

import dev.plaidknot.json.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads an API Gateway request body as one JSON object, within a size limit. Error messages
 * say where the body is wrong, never what it holds: it may carry a public token.
 */
public final class JsonBody {

    /** Link's onSuccess payload for a dozen accounts is a few KiB; this leaves room, not a lever. */
    public static final int MAX_BYTES = 32 * 1024;

    private JsonBody() {
    }

    /** The body as an object; an absent or blank body is an empty object. */
    public static JsonObject parseOptional(APIGatewayV2HTTPEvent event) {
        byte[] bytes = rawBytes(event);
        if (isBlank(bytes)) {
            return new JsonObject();
        }
        return parseObject(bytes);
    }

    /** The body as an object; an absent body is a 400. */
    public static JsonObject parseRequired(APIGatewayV2HTTPEvent event) {
        byte[] bytes = rawBytes(event);
        if (isBlank(bytes)) {
            throw ApiError.badRequest("request body is required: a JSON object");
        }
        return parseObject(bytes);
    }

    /** The body exactly as sent (base64-decoded when API Gateway encoded it), within the size limit. */
    public static byte[] rawBytes(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            if (body.length() > (MAX_BYTES / 3 + 1) * 4) {
                throw ApiError.payloadTooLarge(MAX_BYTES);
            }
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("request body is marked base64 but is not valid base64");
            }
        } else {
            if (body.length() > MAX_BYTES) {
                throw ApiError.payloadTooLarge(MAX_BYTES);
            }
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > MAX_BYTES) {
            throw ApiError.payloadTooLarge(MAX_BYTES);
        }
        return bytes;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    public static JsonObject parseObject(byte[] bytes) {
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

    private static String describe(Json.Malformed e) {
        String what = switch (e.fault()) {
            case NOT_UTF8 -> "request body is not valid JSON: it is not UTF-8";
            case DUPLICATE_FIELD -> "request body has a duplicate field";
            case TOO_DEEP, OVERSIZED_VALUE -> "request body is nested too deeply or holds an oversized value";
            case SYNTAX -> "request body is not valid JSON";
        };
        return e.line() < 1 ? what : what + " (line " + e.line() + ", column " + e.column() + ")";
    }
}
