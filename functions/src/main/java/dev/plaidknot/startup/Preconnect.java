package dev.plaidknot.startup;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Opens one pooled connection to an upstream's host after a SnapStart restore, so the first
 * cardholder request after it does not pay the TCP and TLS handshake. It asks for the host's
 * root: no API path and no keys (the API client adds those on its own copy of the client), so
 * nothing at Plaid or Knot can change or count against a rate limit. Whatever the answer, it is
 * read and the connection goes back to the pool the API client shares.
 */
public final class Preconnect {

    /** The restore hook has 10 s in all; a slow upstream must not spend them. */
    static final long TIMEOUT_MS = 1_000;
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final String upstream;
    private final OkHttpClient http;
    private final Supplier<String> baseUrl;

    /**
     * @param upstream its name in the log ("plaid", "knot")
     * @param http    the upstream's base client; built from it, this one shares its pool but
     *                follows no redirect (another host would be a connection the API never uses)
     * @param baseUrl the API's base URL as the client will call it (it can depend on the keys)
     */
    public Preconnect(String upstream, OkHttpClient http, Supplier<String> baseUrl) {
        this.upstream = upstream;
        this.http = http.newBuilder()
                .followRedirects(false)
                .followSslRedirects(false)
                .callTimeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .build();
        this.baseUrl = baseUrl;
    }

    public String upstream() {
        return upstream;
    }

    /** True when the host answered (with any status); never throws. */
    public boolean open() {
        try {
            String base = baseUrl.get();
            Request request = new Request.Builder().url(base.endsWith("/") ? base : base + "/").get().build();
            try (Response response = http.newCall(request).execute(); ResponseBody body = response.body()) {
                if (body != null) {
                    try (InputStream in = body.byteStream()) {
                        // Read to the end, so the connection is reusable, but never without a bound.
                        in.readNBytes(MAX_ANSWER_BYTES);
                    }
                }
                return true;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
