package dev.plaidknot.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator refuses what Plaid refuses: if it were lenient, the other tests would prove little. */
class PlaidSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_ID = "sim-test-client";
    private static final String SECRET = "sim-test-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static PlaidSimulator plaid;

    @BeforeAll
    static void start() {
        plaid = PlaidSimulator.start(CLIENT_ID, SECRET);
    }

    @AfterAll
    static void stop() {
        plaid.close();
    }

    private record Answer(int status, JsonNode body) {
        String errorCode() {
            return body.path("error_code").asText();
        }
    }

    private static Answer post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(plaid.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static Answer post(String path, String body) throws Exception {
        return post(path, body, Map.of("Content-Type", "application/json", "PLAID-CLIENT-ID", CLIENT_ID,
                "PLAID-SECRET", SECRET, "Plaid-Version", PlaidSimulator.PLAID_VERSION));
    }

    private static String exchange(String publicToken) throws Exception {
        Answer answer = post("/item/public_token/exchange", "{\"public_token\":\"" + publicToken + "\"}");
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        return answer.body().path("access_token").asText();
    }

    @Test
    void errors_come_in_plaids_shape() throws Exception {
        Answer answer = post("/item/public_token/exchange", "{\"public_token\":\"public-sandbox-nope\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("error_type").asText()).isEqualTo("INVALID_INPUT");
        assertThat(answer.errorCode()).isEqualTo("INVALID_PUBLIC_TOKEN");
        assertThat(answer.body().has("error_message")).isTrue();
        assertThat(answer.body().has("display_message")).isTrue();
        assertThat(answer.body().path("request_id").asText()).isNotBlank();
    }

    @Test
    void missing_keys_wrong_keys_and_missing_version_are_refused() throws Exception {
        String body = "{\"public_token\":\"" + plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK) + "\"}";
        assertThat(post("/item/public_token/exchange", body, Map.of("Content-Type", "application/json",
                "Plaid-Version", PlaidSimulator.PLAID_VERSION)).errorCode()).isEqualTo("MISSING_FIELDS");
        assertThat(post("/item/public_token/exchange", body, Map.of("Content-Type", "application/json",
                "PLAID-CLIENT-ID", CLIENT_ID, "PLAID-SECRET", "wrong", "Plaid-Version", PlaidSimulator.PLAID_VERSION))
                .errorCode()).isEqualTo("INVALID_API_KEYS");
        assertThat(post("/item/public_token/exchange", body, Map.of("Content-Type", "application/json",
                "PLAID-CLIENT-ID", CLIENT_ID, "PLAID-SECRET", SECRET)).errorCode()).isEqualTo("INVALID_HEADERS");
        assertThat(post("/item/public_token/exchange", body, Map.of("Content-Type", "text/plain",
                "PLAID-CLIENT-ID", CLIENT_ID, "PLAID-SECRET", SECRET, "Plaid-Version", PlaidSimulator.PLAID_VERSION))
                .errorCode()).isEqualTo("INVALID_HEADERS");
    }

    @Test
    void unknown_missing_and_mistyped_fields_are_refused() throws Exception {
        assertThat(post("/item/public_token/exchange", "{\"public_token\":\"x\",\"user_id\":\"u\"}").errorCode())
                .isEqualTo("UNKNOWN_FIELDS");
        assertThat(post("/item/public_token/exchange", "{}").errorCode()).isEqualTo("MISSING_FIELDS");
        assertThat(post("/item/public_token/exchange", "{\"public_token\":7}").errorCode()).isEqualTo("INVALID_FIELD");
        assertThat(post("/link/token/create", "{\"client_name\":\"x\",\"language\":\"en\",\"country_codes\":[\"US\"],"
                + "\"user\":{\"client_user_id\":\"u\",\"nickname\":\"n\"},\"products\":[\"transactions\"]}").errorCode())
                .isEqualTo("UNKNOWN_FIELDS");
        assertThat(post("/link/token/create", "{\"client_name\":\"x\",\"language\":\"en\",\"country_codes\":[\"US\"],"
                + "\"user\":{\"client_user_id\":\"u\"},\"products\":[\"teleportation\"]}").errorCode())
                .isEqualTo("INVALID_FIELD");
        assertThat(post("/link/token/create", "not json").errorCode()).isEqualTo("INVALID_BODY");
    }

    @Test
    void a_public_token_is_single_use() throws Exception {
        String publicToken = plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        exchange(publicToken);

        Answer again = post("/item/public_token/exchange", "{\"public_token\":\"" + publicToken + "\"}");

        assertThat(again.errorCode()).isEqualTo("INVALID_PUBLIC_TOKEN");
    }

    @Test
    void access_tokens_are_checked_for_format_and_existence() throws Exception {
        assertThat(post("/accounts/get", "{\"access_token\":\"public-sandbox-x\"}").errorCode()).isEqualTo("INVALID_ACCESS_TOKEN");
        assertThat(post("/accounts/get", "{\"access_token\":\"access-sandbox-00000000-0000-4000-8000-000000000000\"}")
                .errorCode()).isEqualTo("INVALID_ACCESS_TOKEN");
    }

    @Test
    void processor_tokens_are_for_knot_and_the_items_own_accounts_only() throws Exception {
        String accessToken = exchange(plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK));
        String accountId = post("/accounts/get", "{\"access_token\":\"" + accessToken + "\"}")
                .body().path("accounts").get(0).path("account_id").asText();
        String otherItemsAccount = post("/accounts/get", "{\"access_token\":\""
                + exchange(plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK)) + "\"}")
                .body().path("accounts").get(0).path("account_id").asText();

        assertThat(post("/processor/token/create", "{\"access_token\":\"" + accessToken + "\",\"account_id\":\""
                + accountId + "\",\"processor\":\"dwolla\"}").errorCode()).isEqualTo("INVALID_FIELD");
        assertThat(post("/processor/token/create", "{\"access_token\":\"" + accessToken + "\",\"account_id\":\""
                + otherItemsAccount + "\",\"processor\":\"knot\"}").errorCode()).isEqualTo("INVALID_ACCOUNT_ID");
        Answer created = post("/processor/token/create", "{\"access_token\":\"" + accessToken + "\",\"account_id\":\""
                + accountId + "\",\"processor\":\"knot\"}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().path("processor_token").asText()).startsWith("processor-sandbox-");
    }

    @Test
    void a_removed_item_is_gone() throws Exception {
        String accessToken = exchange(plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK));
        assertThat(post("/item/remove", "{\"access_token\":\"" + accessToken + "\"}").status()).isEqualTo(200);

        assertThat(post("/accounts/get", "{\"access_token\":\"" + accessToken + "\"}").errorCode()).isEqualTo("ITEM_NOT_FOUND");
    }

    @Test
    void told_faults_happen_once_each() throws Exception {
        plaid.failNext("/accounts/get", PlaidError.rateLimited());
        Answer limited = post("/accounts/get", "{\"access_token\":\"x\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().path("error_type").asText()).isEqualTo("RATE_LIMIT_EXCEEDED");
        assertThat(post("/accounts/get", "{\"access_token\":\"x\"}").status()).isEqualTo(400);

        plaid.stallNext("/accounts/get", Duration.ofSeconds(5));
        HttpRequest stalled = HttpRequest.newBuilder(URI.create(plaid.baseUrl() + "/accounts/get"))
                .timeout(Duration.ofMillis(200)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThatThrownBy(() -> HTTP.send(stalled, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        plaid.resetNext("/accounts/get");
        assertThatThrownBy(() -> post("/accounts/get", "{}")).isInstanceOf(IOException.class);
    }

    @Test
    void link_completes_only_for_a_link_token_it_issued() {
        assertThatThrownBy(() -> plaid.completeLink("link-sandbox-00000000-0000-0000-0000-000000000000",
                PlaidSimulator.FIRST_PLATYPUS_BANK)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void completed_link_exchanges_to_an_item_with_the_accounts_link_reported() throws Exception {
        Answer link = post("/link/token/create", """
                {"client_name":"Test","language":"en","country_codes":["US"],
                 "user":{"client_user_id":"u-1"},"products":["transactions"]}""");
        assertThat(link.status()).as(link.body().toString()).isEqualTo(200);

        PlaidSimulator.LinkSuccess success = plaid.completeLink(link.body().path("link_token").asText(),
                PlaidSimulator.FIRST_PLATYPUS_BANK);
        String accessToken = exchange(success.publicToken());

        Answer accounts = post("/accounts/get", "{\"access_token\":\"" + accessToken + "\"}");
        assertThat(accounts.body().path("accounts").findValuesAsText("account_id"))
                .containsExactlyElementsOf(success.accounts().stream().map(PlaidSimulator.Account::accountId).toList());
        assertThat(success.institutionName()).isEqualTo("First Platypus Bank");
        assertThat(success.toString()).doesNotContain(success.publicToken());
    }
}
