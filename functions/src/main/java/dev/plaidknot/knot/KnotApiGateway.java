package dev.plaidknot.knot;

import com.google.gson.JsonObject;
import dev.plaidknot.api.Json;
import dev.plaidknot.api.RequestBudget;
import dev.plaidknot.api.RetryPolicy;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.secrets.CachedSecret;
import java.io.IOException;
import java.io.InterruptedIOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knot's {@code POST /session/create} over OkHttp (already in the package through plaid-java;
 * Knot publishes no Java client). Basic auth with the cached keys, refetched once when Knot
 * answers 401; 429, 5xx, timeouts and failed connections retried within the request's budget.
 * Creating a session changes nothing Knot holds, so repeating it is safe.
 */
public final class KnotApiGateway implements KnotGateway {

    private static final Logger LOG = LoggerFactory.getLogger(KnotApiGateway.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_MESSAGE_LENGTH = 200;

    private final OkHttpClient http;
    private final CachedSecret<KnotCredentials> secret;
    private final Optional<URI> baseUrlOverride;
    private final Duration callTimeout;
    private final RetryPolicy retry;

    public KnotApiGateway(OkHttpClient http, CachedSecret<KnotCredentials> secret, Optional<URI> baseUrlOverride,
                          Duration callTimeout, RetryPolicy retry) {
        this.http = http;
        this.secret = secret;
        this.baseUrlOverride = baseUrlOverride;
        this.callTimeout = callTimeout;
        this.retry = retry;
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
        return retry.run(attempt -> {
            long started = System.nanoTime();
            try {
                String session = once(json, processorToken);
                observe(attempt, started, null);
                return session;
            } catch (KnotFailure failure) {
                observe(attempt, started, failure);
                throw failure;
            }
        }, secret::invalidate, true);
    }

    private static void observe(int attempt, long started, KnotFailure failure) {
        long millis = (System.nanoTime() - started) / 1_000_000;
        Telemetry.upstreamCall("knot", "session/create", started,
                failure == null ? 200 : failure.httpStatus(), failure != null);
        Telemetry.count("KnotCalls");
        var line = LOG.atInfo().addKeyValue("upstream", "knot").addKeyValue("operation", "session/create")
                .addKeyValue("attempt", attempt).addKeyValue("duration_ms", millis);
        if (failure == null) {
            line.addKeyValue("outcome", "ok").log("knot call");
            return;
        }
        Telemetry.count("KnotErrors", "ErrorCode", failure.errorCode().orElse(failure.kind().name()));
        line.addKeyValue("outcome", failure.kind().name()).addKeyValue("http_status", failure.httpStatus())
                .addKeyValue("knot_error_code", failure.errorCode().orElse(null)).log("knot call");
    }

    private String once(String json, String processorToken) {
        Duration budget = RequestBudget.remaining();
        if (budget.compareTo(RetryPolicy.MIN_CALL) < 0) {
            throw new KnotFailure(KnotFailure.Kind.TIMEOUT, 0, null, null);
        }
        KnotCredentials credentials = secret.get();
        String base = baseUrl(credentials);
        Request request = new Request.Builder()
                .url((base.endsWith("/") ? base : base + "/") + "session/create")
                .header("Authorization", Credentials.basic(credentials.clientId(), credentials.secret()))
                .post(RequestBody.create(json, JSON_TYPE))
                .build();
        Call call = http.newCall(request);
        call.timeout().timeout(Math.min(callTimeout.toMillis(), budget.toMillis()), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            JsonObject answer = read(response.body());
            if (!response.isSuccessful()) {
                throw new KnotFailure(KnotFailure.Kind.REJECTED, response.code(), text(answer, "error_code"),
                        safeMessage(text(answer, "error_message"), processorToken));
            }
            String session = text(answer, "session");
            if (session == null || session.isBlank()) {
                throw new KnotFailure(KnotFailure.Kind.MALFORMED, response.code(), null, null);
            }
            return session;
        } catch (InterruptedIOException e) {
            throw new KnotFailure(KnotFailure.Kind.TIMEOUT, 0, null, null);
        } catch (IOException e) {
            throw new KnotFailure(KnotFailure.Kind.UNREACHABLE, 0, null, null);
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
