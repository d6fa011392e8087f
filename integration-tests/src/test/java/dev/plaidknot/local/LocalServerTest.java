package dev.plaidknot.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.AwsEmulator;
import dev.plaidknot.support.LocalHttp;
import dev.plaidknot.support.LocalHttp.Answer;
import dev.plaidknot.support.ProjectFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The local server in offline mode, over HTTP as a front end or curl would call it. */
class LocalServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalServer server;
    private static LocalHttp http;

    static LocalOptions offlineOptions(Map<String, String> extraEnvironment, String... args) {
        Map<String, String> env = new HashMap<>(extraEnvironment);
        env.put("AWS_ENDPOINT_URL", AwsEmulator.get().endpoint().toString());
        List<String> arguments = new java.util.ArrayList<>(List.of("--port", "0", "--project-root",
                ProjectFiles.root().toString()));
        arguments.addAll(List.of(args));
        return LocalOptions.parse(arguments, env);
    }

    @BeforeAll
    static void start() {
        server = LocalServer.start(offlineOptions(Map.of(), "--offline"));
        http = new LocalHttp(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What the front end does: a link token, Link (the offline stand-in) and the exchange of its result. */
    static JsonNode linkAnAccount(LocalHttp http, String... identity) {
        Answer link = http.send("POST", "/create_link_token", null, identity);
        assertThat(link.status()).as(link.body()).isEqualTo(200);
        Answer linked = http.send("POST", "/local/link/complete",
                "{\"link_token\":\"" + link.json().path("link_token").asText() + "\"}");
        assertThat(linked.status()).as(linked.body()).isEqualTo(200);
        JsonNode metadata = linked.json().path("metadata");
        ObjectNode exchange = JSON.createObjectNode();
        exchange.put("public_token", linked.json().path("public_token").asText());
        exchange.set("accounts", metadata.path("accounts"));
        exchange.set("institution", metadata.path("institution"));
        Answer item = http.send("POST", "/exchange_public_token", exchange.toString(), identity);
        assertThat(item.status()).as(item.body()).isEqualTo(201);
        return item.json();
    }

    @Test
    void offline_walk_through_links_lists_opens_cardswitcher_and_removes() {
        JsonNode item = linkAnAccount(http, "X-Local-User", "walker");
        String itemId = item.path("item_id").asText();

        JsonNode listed = http.send("GET", "/items", null, "X-Local-User", "walker").json();
        assertThat(listed.path("items").findValuesAsText("item_id")).containsExactly(itemId);
        assertThat(listed.path("items").get(0).path("accounts").findValuesAsText("processor_token_status"))
                .hasSize(3).containsOnly("created");
        Answer session = http.send("POST", "/knot/session", "{\"card_id\":\"local-card-1\"}", "X-Local-User", "walker");
        assertThat(session.status()).as(session.body()).isEqualTo(201);
        assertThat(session.json().path("transactions_linked").asBoolean()).isTrue();

        assertThat(http.send("DELETE", "/items/" + itemId, null, "X-Local-User", "walker").status()).isEqualTo(204);
        assertThat(http.send("GET", "/items", null, "X-Local-User", "walker").json().path("items")).isEmpty();
        assertThat(server.plaidSimulator().orElseThrow().item(itemId).orElseThrow().removed()).isTrue();
    }

    @Test
    void the_development_identity_keeps_users_apart() {
        String itemId = linkAnAccount(http, "X-Local-User", "alice").path("item_id").asText();

        assertThat(http.send("GET", "/items", null, "X-Local-User", "bob").json().path("items")).isEmpty();
        assertThat(http.send("DELETE", "/items/" + itemId, null, "X-Local-User", "bob").status()).isEqualTo(404);
        assertThat(http.send("GET", "/items", null, "X-Local-User", "alice").json().path("items")).hasSize(1);
        assertThat(http.send("GET", "/items", null, "X-Local-User", "not a user id!").status()).isEqualTo(401);
    }

    @Test
    void bad_input_is_a_400_in_the_api_shape_and_stores_nothing() {
        Answer answer = http.send("POST", "/exchange_public_token", "{\"public_token\":\"nope\"}",
                "X-Local-User", "careless");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(http.send("GET", "/items", null, "X-Local-User", "careless").json().path("items")).isEmpty();
    }

    @Test
    void tokens_are_stored_encrypted_in_the_templates_table() {
        linkAnAccount(http, "X-Local-User", "vaulted");

        try (DynamoDbClient dynamo = AwsEmulator.get().dynamo()) {
            String everything = dynamo.scan(s -> s.tableName(server.tokensTable())).items().toString();
            assertThat(everything).contains("USER#vaulted").doesNotContain("access-sandbox-")
                    .doesNotContain("processor-sandbox-");
        }
        assertThat(server.plaidSimulator().orElseThrow().allSecrets()).isNotEmpty()
                .noneMatch(secret -> server.banner().toString().contains(secret));
    }

    @Test
    void the_link_stand_in_refuses_a_link_token_plaid_never_issued() {
        Answer answer = http.send("POST", "/local/link/complete",
                "{\"link_token\":\"link-sandbox-00000000-0000-0000-0000-000000000000\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error_code").asText()).isEqualTo("INVALID_LINK_TOKEN");
    }

    @Test
    void the_webhook_route_takes_no_identity_and_refuses_an_unsigned_delivery() {
        Answer answer = http.send("POST", "/webhooks/plaid",
                PlaidSimulator.itemWebhook("some-item", "ERROR", "ITEM_LOGIN_REQUIRED"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void serves_the_front_end_with_a_config_for_itself_and_nothing_else() {
        Answer page = http.send("GET", "/", null);
        Answer config = http.send("GET", "/config.js", null);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"link-button\"");
        assertThat(config.body()).contains("\"linkScriptUrl\":\"/local/link-stand-in.js\"").contains("\"apiBaseUrl\":\"\"");
        assertThat(http.send("GET", "/local/link-stand-in.js", null).body()).contains("OFFLINE STAND-IN");
        assertThat(http.send("GET", "/template.yaml", null).status()).isEqualTo(404);
        assertThat(http.send("GET", "/..%2Ftemplate.yaml", null).status()).isEqualTo(404);
        assertThat(http.send("GET", "/nothing-here", null).json().path("message").asText()).isEqualTo("Not Found");
        assertThat(http.send("PUT", "/items", null).status()).isEqualTo(404);
    }

    @Test
    void start_up_says_loudly_what_stands_in_for_what() {
        String banner = String.join("\n", server.banner());

        assertThat(banner).contains("OFFLINE").contains("Plaid SANDBOX SIMULATOR").contains("Knot SIMULATOR")
                .contains("DEVELOPMENT cipher").contains("DEVELOPMENT stand-in for the JWT authorizer")
                .contains("POST   /exchange_public_token");
    }

    @Test
    void refuses_to_start_for_plaid_production_and_listens_nowhere() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("PLAID_CLIENT_ID", "id", "PLAID_SECRET", "secret", "PLAID_ENV", "production",
                "AWS_ENDPOINT_URL", AwsEmulator.get().endpoint().toString());
        LocalOptions production = LocalOptions.parse(List.of("--port", Integer.toString(port), "--project-root",
                ProjectFiles.root().toString()), env);

        assertThatThrownBy(() -> LocalServer.start(production)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("production").hasMessageNotContaining("secret\"");
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void with_keys_in_the_environment_it_calls_plaid_with_them_and_says_knot_is_not_configured() {
        // Plaid's sandbox is out of reach here; the simulator at PLAID_BASE_URL checks the keys instead.
        try (PlaidSimulator plaid = PlaidSimulator.start("env-client-id", "env-secret")) {
            Map<String, String> keys = Map.of("PLAID_CLIENT_ID", "env-client-id", "PLAID_SECRET", "env-secret",
                    "PLAID_BASE_URL", plaid.baseUrl().toString());
            try (LocalServer online = LocalServer.start(offlineOptions(keys))) {
                LocalHttp client = new LocalHttp(online.baseUrl());

                Answer link = client.send("POST", "/create_link_token", null, "X-Local-User", "env-user");
                Answer knot = client.send("POST", "/knot/session", "{\"card_id\":\"local-card-1\"}", "X-Local-User", "env-user");

                assertThat(link.status()).as(link.body()).isEqualTo(200);
                assertThat(plaid.linkTokenUser(link.json().path("link_token").asText())).contains("env-user");
                assertThat(knot.status()).isEqualTo(500);
                assertThat(knot.json().path("error").path("code").asText()).isEqualTo("SERVICE_MISCONFIGURED");
                assertThat(String.join("\n", online.banner())).contains("Plaid sandbox with the keys in PLAID_CLIENT_ID")
                        .contains("Knot:       NOT CONFIGURED").doesNotContain("OFFLINE").doesNotContain("env-secret");
                assertThat(online.plaidSimulator()).isEmpty();
                assertThat(client.send("POST", "/local/link/complete", "{}").status()).isEqualTo(404);
            }
        }
    }

    @Test
    void with_wrong_keys_plaid_refuses_and_the_caller_gets_a_5xx_that_names_no_key() {
        try (PlaidSimulator plaid = PlaidSimulator.start("env-client-id", "the-right-secret")) {
            Map<String, String> keys = Map.of("PLAID_CLIENT_ID", "env-client-id", "PLAID_SECRET", "a-wrong-secret",
                    "PLAID_BASE_URL", plaid.baseUrl().toString());
            try (LocalServer online = LocalServer.start(offlineOptions(keys))) {
                Answer link = new LocalHttp(online.baseUrl()).send("POST", "/create_link_token", null);

                assertThat(link.status()).isBetween(500, 599);
                assertThat(link.body()).doesNotContain("a-wrong-secret").doesNotContain("the-right-secret");
            }
        }
    }
}
