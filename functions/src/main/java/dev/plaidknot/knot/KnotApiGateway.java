package dev.plaidknot.knot;

import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;
import dev.plaidknot.secrets.CachedSecret;
import dev.plaidknot.upstream.RetryPolicy;
import dev.plaidknot.upstream.UpstreamCall;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
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
 * Knot's API ({@code /session/create}, {@code /session/extend}, {@code /jwe/key}, {@code /card})
 * over OkHttp, already in the package through plaid-java: Knot publishes no Java client. Basic auth with the cached keys; {@link UpstreamCall} refetches
 * them once when Knot answers 401 and retries 429, 5xx, timeouts and failed connections within the
 * request's budget. Creating or extending a session and reading the key are safe to repeat;
 * sending a card is not, and is tried once.
 */
public final class KnotApiGateway implements KnotGateway {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_MESSAGE_LENGTH = 200;
    private static final Duration KEY_CACHE = Duration.ofHours(1);

    private final OkHttpClient http;
    private final CachedSecret<KnotCredentials> secret;
    private final Optional<URI> baseUrlOverride;
    private final UpstreamCall calls;
    private volatile CachedKey encryptionKey;

    /** Knot's card-encryption key, kept an hour: fetching it would take a share of the 15 s a switch has. */
    private record CachedKey(String jwk, Instant fetchedAt) {
    }

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
        JsonObject answer = calls.call("session/create", true,
                timeout -> send("session/create", json, processorToken, timeout));
        String session = text(answer, "session");
        if (session == null || session.isBlank()) {
            throw new KnotFailure(KnotFailure.Kind.MALFORMED, 200, null, null);
        }
        return session;
    }

    @Override
    public void extendSession(String session) {
        String json = Json.write(Json.fields().put("session_id", session).build());
        // Extending twice gives the same end: safe to repeat.
        calls.call("session/extend", true, timeout -> send("session/extend", json, session, timeout));
    }

    @Override
    public String cardEncryptionKey() {
        CachedKey cached = encryptionKey;
        if (cached != null && cached.fetchedAt().plus(KEY_CACHE).isAfter(Instant.now())) {
            return cached.jwk();
        }
        JsonObject key = calls.call("jwe/key", true, timeout -> send("jwe/key", null, null, timeout));
        // Knot's answer is the JWK itself, or the JWK under "key" / "jwk".
        JsonObject jwk = key.has("kty") ? key : key.has("jwk") && key.get("jwk").isJsonObject()
                ? key.getAsJsonObject("jwk") : key.has("key") && key.get("key").isJsonObject()
                ? key.getAsJsonObject("key") : null;
        if (jwk == null || !"RSA".equals(text(jwk, "kty")) || text(jwk, "n") == null || text(jwk, "e") == null) {
            throw new KnotFailure("jwe/key", KnotFailure.Kind.MALFORMED, 200, null, null);
        }
        String value = Json.write(jwk);
        encryptionKey = new CachedKey(value, Instant.now());
        return value;
    }

    @Override
    public boolean signedByKnot(KnotWebhookSignature.SignedFields fields, String signature) {
        return KnotWebhookSignature.verify(fields, signature, secret.get().secret());
    }

    @Override
    public void switchCard(String taskId, String jwe) {
        String json = Json.write(Json.fields().put("task_id", taskId).put("jwe", jwe).build());
        // Not repeated: a second POST /card for a task could switch the card twice at the merchant.
        calls.call("card", false, timeout -> send("card", json, jwe, timeout));
    }

    /**
     * One attempt at {@code path} (a POST of {@code json}, or a GET when it is null); anything but
     * a 2xx is a {@link KnotFailure}, whose message never holds {@code sent} (what we sent that is
     * secret, which Knot may echo back).
     */
    private JsonObject send(String path, String json, String sent, Duration timeout) throws IOException {
        KnotCredentials credentials = secret.get();
        String base = baseUrl(credentials);
        Request.Builder request = new Request.Builder()
                .url((base.endsWith("/") ? base : base + "/") + path)
                .header("Authorization", Credentials.basic(credentials.clientId(), credentials.secret()));
        if (json != null) {
            request.post(RequestBody.create(json, JSON_TYPE));
        }
        Call call = http.newCall(request.build());
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            JsonObject answer = read(response.body());
            if (!response.isSuccessful()) {
                throw new KnotFailure(path, KnotFailure.Kind.REJECTED, response.code(),
                        text(answer, "error_code"), safeMessage(text(answer, "error_message"), sent),
                        UpstreamCall.retryAfter(response.header("Retry-After")));
            }
            return answer;
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
    static String safeMessage(String message, String sent) {
        if (message == null || message.isBlank()) {
            return null;
        }
        if (sent != null && message.contains(sent)) {
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
