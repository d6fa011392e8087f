package dev.plaidknot.knot;

import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;
import dev.plaidknot.secrets.CachedSecret;
import dev.plaidknot.upstream.RetryPolicy;
import dev.plaidknot.upstream.UpstreamCall;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Knot's {@code POST /session/create} over OkHttp (already in the package through plaid-java;
 * Knot publishes no Java client). Basic auth with the cached keys; {@link UpstreamCall} refetches
 * them once when Knot answers 401 and retries 429, 5xx, timeouts and failed connections within the
 * request's budget. Creating a session changes nothing Knot holds, so repeating it is safe.
 */
public final class KnotApiGateway implements KnotGateway {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_MESSAGE_LENGTH = 200;

    private final OkHttpClient http;
    private final CachedSecret<KnotCredentials> secret;
    private final Optional<URI> baseUrlOverride;
    private final UpstreamCall calls;

    public KnotApiGateway(OkHttpClient http, CachedSecret<KnotCredentials> secret, Optional<URI> baseUrlOverride,
                          Duration callTimeout, RetryPolicy retry) {
        this.http = http;
        this.secret = secret;
        this.baseUrlOverride = baseUrlOverride;
        this.calls = new UpstreamCall("knot", callTimeout, retry, secret::invalidate, KnotFailure::noAnswer);
    }

    @Override
    public KnotEnvironment environment() {
        return secret.get().environment();
    }

    /** Where the API is: the override, else the keys' environment. */
    public String baseUrl() {
        return baseUrl(secret.get());
    }

    private String baseUrl(KnotCredentials credentials) {
        return baseUrlOverride.orElse(credentials.environment().host()).toString();
    }

    @Override
    public String createCardSwitcherSession(String externalUserId, String cardId, String processorToken) {
        Json.Fields body = Json.fields()
                .put("type", "card_switcher")
                .put("external_user_id", externalUserId)
                .put("card_id", cardId);
        if (processorToken != null) {
            body.put("processor_token", processorToken);
        }
        String json = Json.write(body.build());
        return calls.call("session/create", true, timeout -> send(json, processorToken, timeout));
    }

    /** One attempt; anything but a 2xx with a session is a {@link KnotFailure}. */
    private String send(String json, String processorToken, Duration timeout) throws IOException {
        KnotCredentials credentials = secret.get();
        String base = baseUrl(credentials);
        Request request = new Request.Builder()
                .url((base.endsWith("/") ? base : base + "/") + "session/create")
                .header("Authorization", Credentials.basic(credentials.clientId(), credentials.secret()))
                .post(RequestBody.create(json, JSON_TYPE))
                .build();
        Call call = http.newCall(request);
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            JsonObject answer = read(response.body());
            if (!response.isSuccessful()) {
                throw new KnotFailure("session/create", KnotFailure.Kind.REJECTED, response.code(),
                        text(answer, "error_code"), safeMessage(text(answer, "error_message"), processorToken),
                        UpstreamCall.retryAfter(response.header("Retry-After")));
            }
            String session = text(answer, "session");
            if (session == null || session.isBlank()) {
                throw new KnotFailure(KnotFailure.Kind.MALFORMED, response.code(), null, null);
            }
            return session;
        }
    }

    private static JsonObject read(ResponseBody body) throws IOException {
        if (body == null || body.contentLength() > MAX_BODY_BYTES) {
            return new JsonObject();
        }
        return Json.boundedObject(body.byteStream(), MAX_BODY_BYTES);
    }

    /**
     * Knot's message, if it is fit for a front-end developer: printable, short, and holding
     * nothing we sent that is secret (Knot may echo the processor token back).
     */
    static String safeMessage(String message, String processorToken) {
        if (message == null || message.isBlank()) {
            return null;
        }
        if (processorToken != null && message.contains(processorToken)) {
            return null;
        }
        if (message.contains("processor-") || message.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) : message;
    }

    private static String text(JsonObject node, String field) {
        return Json.text(node, field).orElse(null);
    }
}
