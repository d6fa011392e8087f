package dev.plaidknot.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.startup.standin.LoopbackUpstreams;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The connection a restore opens: to the host's root, without keys, and reused by the API client. */
class PreconnectTest {

    @Test
    void opens_a_pooled_connection_that_the_api_client_then_reuses_and_sends_no_keys() throws Exception {
        List<LoopbackUpstreams.Request> seen = new CopyOnWriteArrayList<>();
        try (LoopbackUpstreams host = new LoopbackUpstreams(request -> {
            seen.add(request);
            return new LoopbackUpstreams.Answer(404, "{}");
        })) {
            OkHttpClient base = new OkHttpClient.Builder().build();
            // As PlaidClients does: the API's own client adds the keys on a copy of the base client.
            OkHttpClient api = base.newBuilder()
                    .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("PLAID-SECRET", "s3cr3t").build()))
                    .build();

            assertThat(new Preconnect("plaid", base, () -> host.uri().toString()).open()).isTrue();

            assertThat(seen).hasSize(1);
            assertThat(seen.getFirst().method()).isEqualTo("GET");
            assertThat(seen.getFirst().path()).isEqualTo("/");
            assertThat(seen.getFirst().header("PLAID-SECRET")).isEmpty();
            assertThat(base.connectionPool().connectionCount()).isEqualTo(1);

            try (Response response = api.newCall(new Request.Builder().url(host.uri() + "/link/token/create")
                    .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
                assertThat(response.code()).isEqualTo(404);
            }
            assertThat(seen).hasSize(2);
            assertThat(seen.get(1).header("PLAID-SECRET")).isEqualTo("s3cr3t");
            assertThat(base.connectionPool().connectionCount()).as("the API call used the connection opened for it").isEqualTo(1);
        }
    }

    @Test
    void a_host_that_does_not_answer_is_left_for_the_first_request() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        OkHttpClient base = new OkHttpClient.Builder().build();
        assertThat(new Preconnect("knot", base, () -> "http://127.0.0.1:" + port).open()).isFalse();
        assertThat(new Preconnect("knot", base, () -> {
            throw new IllegalStateException("no keys yet");
        }).open()).isFalse();
        assertThat(base.connectionPool().connectionCount()).isZero();
    }
}
