package dev.plaidknot.cardplatform;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.plaidknot.aws.AwsFailures;
import dev.plaidknot.json.Json;
import dev.plaidknot.upstream.DependencyUnavailable;
import java.time.Duration;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The card platform as the issuer's Lambda function, invoked synchronously. Its contract is
 * {@code {"action": "holds_card" | "card_jwe", "user_id", "card_id", "jwk"?}} in, and
 * {@code {"holds": true|false}} or {@code {"jwe": "<compact JWE>"}} out. Anything else it answers
 * (a function error, a missing or mistyped field, a JWE that is not five parts) is a dependency
 * failure; nothing it sends back is logged or passed on but the JWE itself.
 */
public final class LambdaCardPlatform implements CardPlatform {

    private static final String DEPENDENCY = "card_platform";
    /** Compact JWE: header, encrypted key, IV, ciphertext, tag, each base64url. */
    private static final Pattern COMPACT_JWE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"
            + "\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final LambdaClient lambda;
    private final String functionName;
    private final Duration callTimeout;

    public LambdaCardPlatform(LambdaClient lambda, String functionName, Duration callTimeout) {
        this.lambda = lambda;
        this.functionName = functionName;
        this.callTimeout = callTimeout;
    }

    @Override
    public boolean holdsCard(String userId, String cardId) {
        JsonObject request = request("holds_card", userId, cardId);
        JsonElement holds = invoke(request).get("holds");
        if (holds instanceof JsonPrimitive p && p.isBoolean()) {
            return p.getAsBoolean();
        }
        throw malformed();
    }

    @Override
    public String cardJwe(String userId, String cardId, String knotJwk) {
        JsonObject request = request("card_jwe", userId, cardId);
        request.add("jwk", Json.parse(knotJwk));
        JsonElement jwe = invoke(request).get("jwe");
        if (jwe instanceof JsonPrimitive p && p.isString() && COMPACT_JWE.matcher(p.getAsString()).matches()) {
            return p.getAsString();
        }
        throw malformed();
    }

    private static JsonObject request(String action, String userId, String cardId) {
        return Json.fields().put("action", action).put("user_id", userId).put("card_id", cardId).build();
    }

    private JsonObject invoke(JsonObject request) {
        InvokeResponse response;
        try {
            response = lambda.invoke(i -> i.functionName(functionName)
                    .invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromUtf8String(Json.write(request)))
                    .overrideConfiguration(o -> o.apiCallTimeout(callTimeout)));
        } catch (SdkException e) {
            throw AwsFailures.unavailable(DEPENDENCY, e);
        }
        String requestId = response.responseMetadata().requestId();
        if (response.functionError() != null) {
            // The function's own error payload is not read: it may hold whatever the platform threw.
            throw new DependencyUnavailable(DEPENDENCY, "FunctionError", requestId);
        }
        byte[] payload = response.payload() == null ? new byte[0] : response.payload().asByteArray();
        if (payload.length > MAX_ANSWER_BYTES) {
            throw malformed();
        }
        try {
            if (Json.parse(payload) instanceof JsonObject object) {
                return object;
            }
        } catch (Json.Malformed e) {
            // falls through to malformed
        }
        throw malformed();
    }

    private static DependencyUnavailable malformed() {
        return new DependencyUnavailable(DEPENDENCY, "MalformedAnswer", null);
    }
}
