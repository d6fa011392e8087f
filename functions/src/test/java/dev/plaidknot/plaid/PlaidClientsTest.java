package dev.plaidknot.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.plaid.client.model.ItemRemoveRequest;
import com.sun.net.httpserver.HttpServer;
import dev.plaidknot.secrets.CachedSecret;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One Retrofit service per Plaid host, the keys set on each call from the keys last fetched.
 * Services are compared by identity: a Retrofit proxy's {@code equals} is not its own.
 */
class PlaidClientsTest {

    private static final String FIRST_KEYS = "{\"client_id\":\"client-1\",\"secret\":\"secret-1\",\"environment\":\"sandbox\"}";

    private final AtomicReference<String> secretText = new AtomicReference<>(FIRST_KEYS);
    private final AtomicInteger fetches = new AtomicInteger();
    private final List<Map<String, String>> seenHeaders = new CopyOnWriteArrayList<>();
    private HttpServer plaid;

    @BeforeEach
    void start() throws Exception {
        plaid = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        plaid.createContext("/", exchange -> {
            seenHeaders.add(Map.of(
                    "client", String.valueOf(exchange.getRequestHeaders().getFirst("PLAID-CLIENT-ID")),
                    "secret", String.valueOf(exchange.getRequestHeaders().getFirst("PLAID-SECRET")),
                    "version", String.valueOf(exchange.getRequestHeaders().getFirst("Plaid-Version"))));
            byte[] body = "{\"request_id\":\"r\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        plaid.start();
    }

    @AfterEach
    void stop() {
        plaid.stop(0);
    }

    private CachedSecret<PlaidCredentials> secret() {
        return new CachedSecret<>(id -> {
            fetches.incrementAndGet();
            return secretText.get();
        }, "plaid", Duration.ofMinutes(5), PlaidCredentials::parse, Clock.systemUTC());
    }

    private PlaidClients clients(Optional<URI> override) {
        return new PlaidClients(new OkHttpClient(), secret(), override);
    }

    private URI plaidUri() {
        return URI.create("http://127.0.0.1:" + plaid.getAddress().getPort());
    }

    @Test
    void services_of_every_host_are_built_without_fetching_a_key() {
        PlaidClients clients = clients(Optional.empty());

        List<PlaidOperations> services = clients.servicesOfEveryHost();

        assertThat(services).hasSize(PlaidEnvironment.values().length);
        assertThat(services.get(0)).isNotSameAs(services.get(1));
        assertThat(fetches).hasValue(0);
    }

    @Test
    void the_service_prepared_for_the_keys_host_is_the_one_handed_out_with_the_keys() {
        PlaidClients clients = clients(Optional.empty());
        List<PlaidOperations> prepared = clients.servicesOfEveryHost();

        PlaidOperations handedOut = clients.api();

        assertThat(handedOut).isSameAs(prepared.get(PlaidEnvironment.SANDBOX.ordinal()));
        List<PlaidOperations> again = clients.servicesOfEveryHost();
        assertThat(again.get(0)).isSameAs(prepared.get(0));
        assertThat(again.get(1)).isSameAs(prepared.get(1));
    }

    @Test
    void with_an_override_the_one_host_is_the_override() {
        PlaidClients clients = clients(Optional.of(plaidUri()));

        List<PlaidOperations> services = clients.servicesOfEveryHost();

        assertThat(services).hasSize(1);
        assertThat(clients.api()).isSameAs(services.getFirst());
    }

    @Test
    void each_call_carries_the_keys_last_fetched_and_a_rotation_builds_no_new_service() throws Exception {
        CachedSecret<PlaidCredentials> secret = secret();
        PlaidClients clients = new PlaidClients(new OkHttpClient(), secret, Optional.of(plaidUri()));
        PlaidOperations first = clients.api();
        first.itemRemove(new ItemRemoveRequest().accessToken("access-sandbox-1")).execute();

        secretText.set(FIRST_KEYS.replace("client-1", "client-2").replace("secret-1", "secret-2"));
        clients.keysRejected();
        PlaidOperations second = clients.api();
        second.itemRemove(new ItemRemoveRequest().accessToken("access-sandbox-1")).execute();

        assertThat(second).isSameAs(first);
        assertThat(seenHeaders).containsExactly(
                Map.of("client", "client-1", "secret", "secret-1", "version", PlaidClients.PLAID_VERSION),
                Map.of("client", "client-2", "secret", "secret-2", "version", PlaidClients.PLAID_VERSION));
    }

    @Test
    void a_prepared_service_sends_nothing_before_keys_were_fetched() {
        PlaidClients clients = clients(Optional.of(plaidUri()));
        PlaidOperations prepared = clients.servicesOfEveryHost().getFirst();

        assertThatThrownBy(() -> prepared.itemRemove(new ItemRemoveRequest()).execute())
                .isInstanceOf(IllegalStateException.class);
        assertThat(seenHeaders).isEmpty();
    }
}
