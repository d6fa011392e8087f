package dev.plaidknot.plaid;

import com.plaid.client.ApiClient;
import dev.plaidknot.secrets.CachedSecret;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Hands out the {@link PlaidOperations} for the current keys. One Retrofit service per Plaid host
 * (the override, else the host of the keys' environment), built once and kept; the keys go into
 * each call's headers from the keys last handed out. So a key rotation builds nothing, and the
 * services of every host the keys could pick can be built and their operations resolved before a
 * SnapStart snapshot, when no key is held ({@link #servicesOfEveryHost}). The OkHttp connection
 * pool is built once and shared by all of them.
 */
public final class PlaidClients {

    /** The API version this code and its plaid-java models speak. */
    public static final String PLAID_VERSION = "2020-09-14";

    private final OkHttpClient http;
    private final CachedSecret<PlaidCredentials> secret;
    private final Optional<URI> baseUrlOverride;
    private final Map<String, PlaidOperations> services = new ConcurrentHashMap<>();
    /**
     * The keys of the last {@link #api()}, which the call it returned for sends. Lambda serves one
     * request at a time per environment; were the keys to change between the two (a refetch that
     * moved them to the other environment), Plaid would refuse them and the refetch-and-repeat of
     * {@link PlaidApiGateway} would send the call again with the new ones.
     */
    private volatile PlaidCredentials current;

    public PlaidClients(OkHttpClient http, CachedSecret<PlaidCredentials> secret, Optional<URI> baseUrlOverride) {
        this.http = http.newBuilder().addInterceptor(this::withKeys).build();
        this.secret = secret;
        this.baseUrlOverride = baseUrlOverride;
    }

    public PlaidOperations api() {
        PlaidCredentials credentials = secret.get();
        current = credentials;
        return service(baseUrl(credentials));
    }

    /**
     * The service of every host the keys could pick (the override, else sandbox's and
     * production's), built without fetching or holding a key; for resolving operations before a
     * snapshot.
     */
    public List<PlaidOperations> servicesOfEveryHost() {
        return baseUrlOverride.map(List::of)
                .orElseGet(() -> Arrays.stream(PlaidEnvironment.values()).map(PlaidEnvironment::host).toList())
                .stream().map(host -> service(host.toString())).toList();
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

    private PlaidOperations service(String baseUrl) {
        return services.computeIfAbsent(baseUrl, this::build);
    }

    private PlaidOperations build(String baseUrl) {
        // plaid-java's own default adapter points at production; the base URL is ours to choose.
        ApiClient client = new ApiClient(http);
        client.getAdapterBuilder().baseUrl(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        return client.createService(PlaidOperations.class);
    }

    /** Plaid's key headers and API version on a call, from the keys {@link #api()} last handed out. */
    private Response withKeys(Interceptor.Chain chain) throws IOException {
        PlaidCredentials keys = current;
        if (keys == null) {
            // Only a service from servicesOfEveryHost, used for a call: a bug, and nothing is sent.
            throw new IllegalStateException("a Plaid call before any keys were fetched");
        }
        return chain.proceed(chain.request().newBuilder()
                .header("PLAID-CLIENT-ID", keys.clientId())
                .header("PLAID-SECRET", keys.secret())
                .header("Plaid-Version", PLAID_VERSION)
                .build());
    }
}
