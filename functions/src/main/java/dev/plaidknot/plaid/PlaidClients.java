package dev.plaidknot.plaid;

import com.plaid.client.ApiClient;
import com.plaid.client.auth.ApiKeyAuth;
import dev.plaidknot.secrets.CachedSecret;
import java.net.URI;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Hands out the {@link PlaidOperations} bound to the current keys. The OkHttp connection pool is built
 * once and shared; a new Retrofit service is built only when the cached secret changes
 * (rotation), so warm requests reuse both.
 */
public final class PlaidClients {

    /** The API version this code and its plaid-java models speak. */
    public static final String PLAID_VERSION = "2020-09-14";

    private final OkHttpClient http;
    private final CachedSecret<PlaidCredentials> secret;
    private final Optional<URI> baseUrlOverride;

    private volatile Bound bound;

    private record Bound(PlaidCredentials credentials, PlaidOperations api) {
    }

    public PlaidClients(OkHttpClient http, CachedSecret<PlaidCredentials> secret, Optional<URI> baseUrlOverride) {
        this.http = http;
        this.secret = secret;
        this.baseUrlOverride = baseUrlOverride;
    }

    public PlaidOperations api() {
        PlaidCredentials credentials = secret.get();
        Bound current = bound;
        if (current == null || !current.credentials().equals(credentials)) {
            current = new Bound(credentials, build(credentials));
            bound = current;
        }
        return current.api();
    }

    public PlaidEnvironment environment() {
        return secret.get().environment();
    }

    /** Where the API is: the override, else the keys' environment. */
    public String baseUrl() {
        return baseUrl(secret.get());
    }

    private String baseUrl(PlaidCredentials credentials) {
        return baseUrlOverride.orElse(credentials.environment().host()).toString();
    }

    /** Plaid said the keys are wrong: the next call fetches the secret again. */
    public void keysRejected() {
        secret.invalidate();
    }

    private PlaidOperations build(PlaidCredentials credentials) {
        OkHttpClient.Builder builder = http.newBuilder();
        builder.addInterceptor(header("PLAID-CLIENT-ID", credentials.clientId()));
        builder.addInterceptor(header("PLAID-SECRET", credentials.secret()));
        builder.addInterceptor(header("Plaid-Version", PLAID_VERSION));
        // plaid-java's own default adapter points at production; the base URL is ours to choose.
        ApiClient client = new ApiClient(builder.build());
        String base = baseUrl(credentials);
        client.getAdapterBuilder().baseUrl(base.endsWith("/") ? base : base + "/");
        return client.createService(PlaidOperations.class);
    }

    private static ApiKeyAuth header(String name, String value) {
        ApiKeyAuth auth = new ApiKeyAuth("header", name);
        auth.setApiKey(value);
        return auth;
    }
}
