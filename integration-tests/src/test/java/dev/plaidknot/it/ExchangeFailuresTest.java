package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidError;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.AwsEmulator;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Bad input gets a 4xx in the documented shape and changes nothing; a failing dependency gets a
 * 5xx and loses nothing: an access token Plaid issued is either stored or removed at Plaid.
 */
class ExchangeFailuresTest extends WithRig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXCHANGE = "POST /exchange_public_token";
    private static ExchangePublicTokenHandler exchange;

    @BeforeAll
    static void handler() {
        exchange = new ExchangePublicTokenHandler(rig.wiring());
    }

    static Stream<Arguments> badRequests() {
        String token = "public-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970";
        String deep = "[".repeat(200) + "]".repeat(200);
        return Stream.of(
                Arguments.of("no identity", ApiEvents.anonymous(EXCHANGE, "{\"public_token\":\"" + token + "\"}"), 401, "UNAUTHORIZED"),
                Arguments.of("blank sub", ApiEvents.from(" ", EXCHANGE, "{\"public_token\":\"" + token + "\"}"), 401, "UNAUTHORIZED"),
                Arguments.of("no body", ApiEvents.from("bad-input", EXCHANGE, null), 400, "INVALID_REQUEST"),
                Arguments.of("malformed JSON", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":"), 400, "INVALID_REQUEST"),
                Arguments.of("trailing garbage", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\"} x"), 400, "INVALID_REQUEST"),
                Arguments.of("not an object", ApiEvents.from("bad-input", EXCHANGE, "[\"" + token + "\"]"), 400, "INVALID_REQUEST"),
                Arguments.of("missing public_token", ApiEvents.from("bad-input", EXCHANGE, "{\"accounts\":[]}"), 400, "INVALID_REQUEST"),
                Arguments.of("public_token not a string", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":42}"), 400, "INVALID_REQUEST"),
                Arguments.of("public_token ill-formed", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"access-sandbox-123\"}"), 400, "INVALID_REQUEST"),
                Arguments.of("duplicate public_token", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"public_token\":\"" + token + "\"}"), 400, "INVALID_REQUEST"),
                Arguments.of("accounts not an array", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"accounts\":{}}"), 400, "INVALID_REQUEST"),
                Arguments.of("account without id", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"accounts\":[{\"name\":\"x\"}]}"), 400, "INVALID_REQUEST"),
                Arguments.of("account id injection", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"accounts\":[{\"id\":\"a#ITEM#b\"}]}"), 400, "INVALID_REQUEST"),
                Arguments.of("repeated account id", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"accounts\":[{\"id\":\"a1\"},{\"id\":\"a1\"}]}"), 400, "INVALID_REQUEST"),
                Arguments.of("institution not an object", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"institution\":\"ins_1\"}"), 400, "INVALID_REQUEST"),
                Arguments.of("institution id ill-formed", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"institution\":{\"institution_id\":\"../x\"}}"), 400, "INVALID_REQUEST"),
                Arguments.of("nested too deeply", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"x\":" + deep + "}"), 400, "INVALID_REQUEST"),
                Arguments.of("body too large", ApiEvents.from("bad-input", EXCHANGE, "{\"public_token\":\"" + token + "\",\"pad\":\"" + "x".repeat(40_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE"),
                Arguments.of("invalid base64", base64(ApiEvents.from("bad-input", EXCHANGE, "%%%not-base64%%%")), 400, "INVALID_REQUEST"),
                Arguments.of("invalid UTF-8", base64(ApiEvents.from("bad-input", EXCHANGE,
                        Base64.getEncoder().encodeToString(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}))), 400, "INVALID_REQUEST"));
    }

    private static APIGatewayV2HTTPEvent base64(APIGatewayV2HTTPEvent event) {
        event.setIsBase64Encoded(true);
        return event;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void bad_input_is_a_4xx_in_the_error_shape_and_changes_nothing(String name, APIGatewayV2HTTPEvent event,
                                                                 int status, String code) throws Exception {
        int exchangesBefore = rig.plaid.calls("/item/public_token/exchange");
        int recordsBefore = rig.allRecords().size();

        APIGatewayV2HTTPResponse response = exchange.handleRequest(event, new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        JsonNode error = JSON.readTree(response.getBody()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("public-sandbox-").doesNotContain("Exception");
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isEqualTo(exchangesBefore);
        assertThat(rig.allRecords()).hasSize(recordsBefore);
    }

    @Test
    void unknown_public_token_is_400_with_plaids_code_and_request_id() throws Exception {
        APIGatewayV2HTTPResponse response = exchange.handleRequest(ApiEvents.from("plaid-400", EXCHANGE,
                "{\"public_token\":\"public-sandbox-00000000-0000-4000-8000-000000000000\"}"), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.getBody()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(error.path("plaid_error_code").asText()).isEqualTo("INVALID_PUBLIC_TOKEN");
        assertThat(error.path("request_id").asText()).isEqualTo(rig.plaid.received("/item/public_token/exchange").getLast().requestId());
        assertThat(rig.records("plaid-400")).isEmpty();
    }

    @Test
    void plaid_rate_limit_is_429_with_retry_after_and_the_token_still_works() throws Exception {
        String user = "plaid-429";
        String token = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        rig.plaid.failNext("/item/public_token/exchange", PlaidError.rateLimited());

        APIGatewayV2HTTPResponse limited = exchange.handleRequest(exchangeOf(user, token), new LambdaContext());

        assertThat(limited.getStatusCode()).isEqualTo(429);
        assertThat(limited.getHeaders()).containsKey("Retry-After");
        JsonNode error = JSON.readTree(limited.getBody()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(error.path("plaid_error_code").asText()).isEqualTo("RATE_LIMIT");
        assertThat(rig.records(user)).isEmpty();

        assertThat(exchange.handleRequest(exchangeOf(user, token), new LambdaContext()).getStatusCode()).isEqualTo(201);
    }

    @Test
    void plaid_server_error_is_502_and_nothing_is_written() throws Exception {
        String user = "plaid-500";
        rig.plaid.failNext("/item/public_token/exchange", PlaidError.internalServerError());

        APIGatewayV2HTTPResponse response = exchangeFreshToken(exchange, user);

        assertThat(response.getStatusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(response.getBody()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("PLAID_UNAVAILABLE");
        assertThat(error.path("plaid_error_code").asText()).isEqualTo("INTERNAL_SERVER_ERROR");
        assertThat(error.path("display_message").asText()).isEqualTo("Something went wrong. Please try again later.");
        assertThat(rig.records(user)).isEmpty();
    }

    @Test
    void a_slow_exchange_is_waited_for_rather_than_abandoned() throws Exception {
        String user = "plaid-slow-exchange";
        rig.plaid.stallNext("/item/public_token/exchange", Duration.ofSeconds(3));

        APIGatewayV2HTTPResponse response = exchangeFreshToken(exchange, user);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(rig.plaid.lastExchangedItem().removed()).isFalse();
        assertThat(rig.records(user)).anyMatch(r -> r.containsKey("access_token_ciphertext"));
    }

    @Test
    void plaid_stalling_past_the_timeout_is_504_and_the_stored_item_stays() throws Exception {
        String user = "plaid-stall";
        for (int i = 0; i < 3; i++) {
            rig.plaid.stallNext("/accounts/get", Duration.ofSeconds(10));
        }

        APIGatewayV2HTTPResponse response = exchangeFreshToken(exchange, user);

        assertThat(response.getStatusCode()).isEqualTo(504);
        assertThat(JSON.readTree(response.getBody()).path("error").path("code").asText()).isEqualTo("PLAID_TIMEOUT");
        assertThat(rig.records(user)).anyMatch(r -> r.containsKey("access_token_ciphertext"));
    }

    @Test
    void an_exchange_started_without_enough_budget_times_out_as_504() throws Exception {
        rig.plaid.stallNext("/item/public_token/exchange", Duration.ofSeconds(10));

        APIGatewayV2HTTPResponse response = exchange.handleRequest(exchangeOf("late-invocation",
                rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK)), new LambdaContext(Duration.ofSeconds(3)));

        assertThat(response.getStatusCode()).isEqualTo(504);
        assertThat(rig.records("late-invocation")).isEmpty();
    }

    @Test
    void repeatable_calls_are_retried_past_a_transient_failure() throws Exception {
        rig.plaid.failNext("/link/token/create", PlaidError.rateLimited());
        rig.plaid.resetNext("/link/token/create");
        int before = rig.plaid.calls("/link/token/create");

        APIGatewayV2HTTPResponse response = new CreateLinkTokenHandler(rig.wiring()).handleRequest(
                ApiEvents.from("retried", "POST /create_link_token", null), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(rig.plaid.calls("/link/token/create")).isEqualTo(before + 3);
    }

    @Test
    void the_exchange_itself_is_never_repeated() throws Exception {
        rig.plaid.failNext("/item/public_token/exchange", PlaidError.internalServerError());
        int before = rig.plaid.calls("/item/public_token/exchange");

        APIGatewayV2HTTPResponse response = exchangeFreshToken(exchange, "no-repeat");

        assertThat(response.getStatusCode()).isEqualTo(502);
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isEqualTo(before + 1);
    }

    @Test
    void plaid_dropping_the_connection_is_502() throws Exception {
        for (int i = 0; i < 3; i++) {
            rig.plaid.resetNext("/link/token/create");
        }
        var handler = new CreateLinkTokenHandler(rig.wiring());

        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.from("plaid-reset", "POST /create_link_token", null), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.getBody()).path("error").path("code").asText()).isEqualTo("PLAID_UNAVAILABLE");
    }

    @Test
    void rejected_keys_are_502_not_the_callers_fault() throws Exception {
        String wrongSecret = rig.aws.createSecret(TestRig.secretJson(TestRig.CLIENT_ID, "not-the-secret", "sandbox"));
        var handler = new CreateLinkTokenHandler(rig.wiring(Map.of("PLAID_SECRET_ARN", wrongSecret)));

        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.from("bad-keys", "POST /create_link_token", null), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(response.getBody()).path("error");
        assertThat(error.path("plaid_error_code").asText()).isEqualTo("INVALID_API_KEYS");
        assertThat(response.getBody()).doesNotContain("not-the-secret");
    }

    @Test
    void secrets_manager_down_is_503_before_plaid_is_called() throws Exception {
        int before = rig.plaid.calls("/item/public_token/exchange");
        var handler = new ExchangePublicTokenHandler(rig.wiring(Map.of(),
                AwsEmulator::unreachableSecretsManager, () -> rig.dynamo, () -> rig.kms));

        APIGatewayV2HTTPResponse response = exchangeFreshToken(handler, "secrets-down");

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.getBody()).path("error").path("code").asText()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isEqualTo(before);
    }

    @Test
    void a_malformed_secret_is_500_naming_no_value() throws Exception {
        String broken = rig.aws.createSecret("{\"client_id\":\"" + TestRig.CLIENT_ID + "\",\"secret\":\"s3cr3t-value\"}");
        var handler = new CreateLinkTokenHandler(rig.wiring(Map.of("PLAID_SECRET_ARN", broken)));

        APIGatewayV2HTTPResponse response = handler.handleRequest(
                ApiEvents.from("broken-secret", "POST /create_link_token", null), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.getBody()).path("error").path("code").asText()).isEqualTo("SERVICE_MISCONFIGURED");
        assertThat(response.getBody()).doesNotContain("s3cr3t-value");
    }

    @Test
    void dynamodb_down_before_the_exchange_answers_503_and_plaid_is_never_called() throws Exception {
        int exchanges = rig.plaid.calls("/item/public_token/exchange");
        var handler = new ExchangePublicTokenHandler(
                rig.wiring(Map.of(), () -> rig.secrets, AwsEmulator::unreachableDynamo, () -> rig.kms));

        APIGatewayV2HTTPResponse response = exchangeFreshToken(handler, "dynamo-down");

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isEqualTo(exchanges);
    }

    @Test
    void dynamodb_failing_after_plaid_answered_removes_the_item_at_plaid_and_answers_503() throws Exception {
        assertOrphanRemoved("dynamo-after-exchange", rig.wiring(Map.of(), () -> rig.secrets,
                () -> AwsFaults.dynamo(rig.aws, AwsFaults.ITEM_WRITE, AwsFaults::connectionRefused), () -> rig.kms));
    }

    @Test
    void kms_down_after_exchange_removes_the_item_at_plaid_and_answers_503() throws Exception {
        assertOrphanRemoved("kms-down", rig.wiring(Map.of(), () -> rig.secrets, () -> rig.dynamo, AwsEmulator::unreachableKms));
    }

    @Test
    void an_unknown_kms_key_removes_the_item_at_plaid_and_answers_503() throws Exception {
        assertOrphanRemoved("kms-no-key", rig.wiring(Map.of("TOKEN_KEY_ID",
                "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000")));
    }

    private void assertOrphanRemoved(String user, dev.plaidknot.Wiring wiring) throws Exception {
        var handler = new ExchangePublicTokenHandler(wiring);
        int removalsBefore = rig.plaid.calls("/item/remove");

        APIGatewayV2HTTPResponse response = exchangeFreshToken(handler, user);

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.getBody()).path("error").path("code").asText()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        PlaidSimulator.Item created = rig.plaid.lastExchangedItem();
        assertThat(created.removed()).as("item %s removed at Plaid", created.itemId).isTrue();
        assertThat(rig.plaid.calls("/item/remove")).isEqualTo(removalsBefore + 1);
        assertThat(rig.allRecords()).noneMatch(r -> created.itemId.equals(
                r.getOrDefault("item_id", AttributeValue.fromS("")).s()));
        assertThat(rig.records(user)).isEmpty();
    }

    @Test
    void one_account_failing_leaves_the_others_and_the_item_intact() throws Exception {
        String user = "one-account-fails";
        // Three failures for the first account: its call and both of its retries.
        for (int i = 0; i < 3; i++) {
            rig.plaid.failNextForAccount("/processor/token/create", "Plaid Checking", PlaidError.internalServerError());
        }

        APIGatewayV2HTTPResponse response = exchangeFreshToken(exchange, user);

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode accounts = JSON.readTree(response.getBody()).path("accounts");
        assertThat(accounts).hasSize(3);
        assertThat(accounts.get(0).path("processor_token_status").asText()).isEqualTo("failed");
        assertThat(accounts.get(1).path("processor_token_status").asText()).isEqualTo("created");
        assertThat(accounts.get(2).path("processor_token_status").asText()).isEqualTo("created");
        var failed = rig.records(user).stream()
                .filter(r -> accounts.get(0).path("account_id").asText().equals(r.getOrDefault("account_id", AttributeValue.fromS("")).s()))
                .findFirst().orElseThrow();
        assertThat(failed.get("processor_token_status").s()).isEqualTo("failed");
        assertThat(failed.get("processor_error_code").s()).isEqualTo("INTERNAL_SERVER_ERROR");
        assertThat(failed).doesNotContainKey("processor_token_ciphertext");
        assertThat(rig.records(user)).anyMatch(r -> r.containsKey("access_token_ciphertext"));
    }

    @Test
    void accounts_failing_after_the_exchange_keeps_the_item_and_a_retry_finishes_it() throws Exception {
        String user = "accounts-fail";
        String token = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        for (int i = 0; i < 3; i++) {
            rig.plaid.failNext("/accounts/get", PlaidError.plannedMaintenance());
        }

        APIGatewayV2HTTPResponse failed = exchange.handleRequest(exchangeOf(user, token), new LambdaContext());

        assertThat(failed.getStatusCode()).isEqualTo(502);
        assertThat(rig.records(user)).singleElement()
                .satisfies(r -> assertThat(r).containsKey("access_token_ciphertext"));
        int exchanges = rig.plaid.calls("/item/public_token/exchange");

        APIGatewayV2HTTPResponse retried = exchange.handleRequest(exchangeOf(user, token), new LambdaContext());

        assertThat(retried.getStatusCode()).isEqualTo(201);
        assertThat(JSON.readTree(retried.getBody()).path("accounts")).hasSize(3);
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isEqualTo(exchanges);
        assertThat(rig.records(user)).hasSize(4);
    }

    @Test
    void a_retried_exchange_fills_in_the_processor_token_that_failed() throws Exception {
        String user = "fill-gaps";
        String token = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        for (int i = 0; i < 3; i++) {
            rig.plaid.failNextForAccount("/processor/token/create", "Plaid Checking", PlaidError.internalServerError());
        }
        JsonNode first = JSON.readTree(exchange.handleRequest(exchangeOf(user, token), new LambdaContext()).getBody());
        assertThat(first.path("accounts").get(0).path("processor_token_status").asText()).isEqualTo("failed");

        JsonNode retried = JSON.readTree(exchange.handleRequest(exchangeOf(user, token), new LambdaContext()).getBody());

        assertThat(retried.path("item_id").asText()).isEqualTo(first.path("item_id").asText());
        for (JsonNode account : retried.path("accounts")) {
            assertThat(account.path("processor_token_status").asText()).isEqualTo("created");
        }
        PlaidSimulator.Item item = rig.plaid.item(first.path("item_id").asText()).orElseThrow();
        assertThat(item.processorTokensByAccount).hasSize(3);
    }

    /** Exchanges a public token just minted by the simulator, as Link would hand it over. */
    private static APIGatewayV2HTTPResponse exchangeFreshToken(ExchangePublicTokenHandler handler, String user) {
        return handler.handleRequest(exchangeOf(user, rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK)),
                new LambdaContext());
    }

    private static APIGatewayV2HTTPEvent exchangeOf(String user, String publicToken) {
        return ApiEvents.from(user, EXCHANGE, "{\"public_token\":\"" + publicToken + "\"}");
    }
}
