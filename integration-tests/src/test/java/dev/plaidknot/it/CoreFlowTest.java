package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import dev.plaidknot.vault.EncryptionContexts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.model.KmsException;

/** The whole flow through the handlers, real AWS SDK clients on the emulator, Plaid simulated. */
class CoreFlowTest extends WithRig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CreateLinkTokenHandler linkTokens;
    private static ExchangePublicTokenHandler exchange;

    @BeforeAll
    static void handlers() {
        var wiring = rig.wiring();
        linkTokens = new CreateLinkTokenHandler(wiring);
        exchange = new ExchangePublicTokenHandler(wiring);
    }

    @Test
    void link_token_is_created_for_the_jwt_subject() throws Exception {
        APIGatewayV2HTTPResponse response = linkTokens.handleRequest(
                ApiEvents.from("user-link-1", "POST /create_link_token", null), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getBody());
        assertThat(body.path("link_token").asText()).startsWith("link-sandbox-");
        assertThat(body.path("expiration").asText()).isNotBlank();
        assertThat(body.path("request_id").asText()).isEqualTo(
                rig.plaid.received("/link/token/create").getLast().requestId());
        assertThat(rig.plaid.linkTokenUser(body.path("link_token").asText())).contains("user-link-1");
        JsonNode sent = rig.plaid.received("/link/token/create").getLast().body();
        assertThat(sent.path("products")).containsExactly(JSON.getNodeFactory().textNode("transactions"));
        assertThat(sent.path("client_name").asText()).isEqualTo("Test Card Issuer");
    }

    @Test
    void a_user_id_in_the_body_is_never_trusted() throws Exception {
        APIGatewayV2HTTPResponse response = linkTokens.handleRequest(
                ApiEvents.from("user-link-2", "POST /create_link_token", "{\"client_user_id\":\"someone-else\"}"),
                new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.getBody()).path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
    }

    @Test
    void exchange_stores_encrypted_access_token_and_one_processor_token_per_account() throws Exception {
        String user = "user-flow-1";
        String publicToken = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);

        APIGatewayV2HTTPResponse response = exchange.handleRequest(ApiEvents.from(user, "POST /exchange_public_token",
                "{\"public_token\":\"" + publicToken + "\",\"accounts\":[],\"institution\":null}"), new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(201);
        JsonNode body = JSON.readTree(response.getBody());
        String itemId = body.path("item_id").asText();
        PlaidSimulator.Item item = rig.plaid.item(itemId).orElseThrow();
        assertThat(body.path("accounts")).hasSize(3);
        assertThat(body.path("institution").path("institution_id").asText()).isEqualTo("ins_109508");
        for (JsonNode account : body.path("accounts")) {
            assertThat(account.path("processor_token_status").asText()).isEqualTo("created");
            assertThat(account.path("name").asText()).startsWith("Plaid ");
            assertThat(account.path("mask").asText()).hasSize(4);
        }
        assertThat(response.getBody()).doesNotContain(item.accessToken).doesNotContain("processor-sandbox-")
                .doesNotContain(publicToken);

        List<Map<String, AttributeValue>> records = rig.records(user);
        Map<String, AttributeValue> itemRecord = records.stream()
                .filter(r -> r.get("sk").s().equals("ITEM#" + itemId)).findFirst().orElseThrow();
        assertThat(itemRecord.get("plaid_item_id").s()).isEqualTo(itemId);
        assertThat(itemRecord.get("status").s()).isEqualTo("healthy");
        assertThat(itemRecord.get("institution_name").s()).isEqualTo("First Platypus Bank");
        assertThat(new String(itemRecord.get("access_token_ciphertext").b().asByteArray(), StandardCharsets.ISO_8859_1))
                .doesNotContain(item.accessToken);
        assertThat(rig.decrypt(itemRecord.get("access_token_ciphertext").b(),
                EncryptionContexts.accessToken(user, itemId))).isEqualTo(item.accessToken);

        List<Map<String, AttributeValue>> accounts = records.stream()
                .filter(r -> r.get("sk").s().startsWith("ITEM#" + itemId + "#ACCOUNT#")).toList();
        assertThat(accounts).hasSize(item.accounts.size());
        for (Map<String, AttributeValue> account : accounts) {
            String accountId = account.get("account_id").s();
            assertThat(account.get("processor").s()).isEqualTo("knot");
            String processorToken = rig.decrypt(account.get("processor_token_ciphertext").b(),
                    EncryptionContexts.processorToken(user, itemId, accountId));
            assertThat(item.processorTokensByAccount.get(accountId)).containsExactly(processorToken);
        }
    }

    @Test
    void only_the_accounts_selected_in_link_get_processor_tokens() throws Exception {
        String user = "user-flow-2";
        String publicToken = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        // Link's metadata.accounts carries ids the front end only learns from Link; the
        // simulator mints them at exchange, so pick by what accounts/get will say after.
        APIGatewayV2HTTPResponse all = exchange.handleRequest(ApiEvents.from(user, "POST /exchange_public_token",
                "{\"public_token\":\"" + publicToken + "\"}"), new LambdaContext());
        assertThat(all.getStatusCode()).isEqualTo(201);

        String token = "public-sandbox-0f0e0d0c-0b0a-4909-8807-060504030201";
        rig.plaid.acceptPublicToken(token, PlaidSimulator.FIRST_PLATYPUS_BANK, List.of("acct1Checking", "acct2Saving", "acct3Credit"));
        APIGatewayV2HTTPResponse picked = exchange.handleRequest(ApiEvents.from(user, "POST /exchange_public_token",
                "{\"public_token\":\"" + token + "\",\"accounts\":[{\"id\":\"acct2Saving\",\"name\":\"Plaid Saving\","
                        + "\"mask\":\"1111\",\"type\":\"depository\",\"subtype\":\"savings\"}],"
                        + "\"institution\":{\"name\":\"First Platypus Bank\",\"institution_id\":\"ins_109508\"}}"),
                new LambdaContext());

        assertThat(picked.getStatusCode()).isEqualTo(201);
        JsonNode body = JSON.readTree(picked.getBody());
        assertThat(body.path("accounts")).hasSize(1);
        assertThat(body.path("accounts").get(0).path("account_id").asText()).isEqualTo("acct2Saving");
        PlaidSimulator.Item item = rig.plaid.item(body.path("item_id").asText()).orElseThrow();
        assertThat(item.processorTokensByAccount).containsOnlyKeys("acct2Saving");
    }

    @Test
    void a_ciphertext_moved_to_another_user_does_not_decrypt() throws Exception {
        String user = "user-flow-3";
        String publicToken = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        APIGatewayV2HTTPResponse response = exchange.handleRequest(ApiEvents.from(user, "POST /exchange_public_token",
                "{\"public_token\":\"" + publicToken + "\"}"), new LambdaContext());
        String itemId = JSON.readTree(response.getBody()).path("item_id").asText();
        var ciphertext = rig.records(user).stream().filter(r -> r.get("sk").s().equals("ITEM#" + itemId))
                .findFirst().orElseThrow().get("access_token_ciphertext").b();

        assertThatThrownBy(() -> rig.decrypt(ciphertext, EncryptionContexts.accessToken("someone-else", itemId)))
                .isInstanceOf(KmsException.class);
    }

    @Test
    void retried_exchange_returns_the_first_result_and_exchanges_once() throws Exception {
        String user = "user-flow-4";
        String publicToken = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        String body = "{\"public_token\":\"" + publicToken + "\"}";
        APIGatewayV2HTTPResponse first = exchange.handleRequest(
                ApiEvents.from(user, "POST /exchange_public_token", body), new LambdaContext());
        assertThat(first.getStatusCode()).isEqualTo(201);
        int exchangesBefore = rig.plaid.calls("/item/public_token/exchange");
        int recordsBefore = rig.records(user).size();

        APIGatewayV2HTTPResponse again = exchange.handleRequest(
                ApiEvents.from(user, "POST /exchange_public_token", body), new LambdaContext());

        assertThat(again.getStatusCode()).isEqualTo(201);
        assertThat(JSON.readTree(again.getBody())).isEqualTo(JSON.readTree(first.getBody()));
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isEqualTo(exchangesBefore);
        assertThat(rig.records(user)).hasSize(recordsBefore);
    }

    @Test
    void exchange_records_hold_a_hash_of_the_public_token_never_the_token() throws Exception {
        String publicToken = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        exchange.handleRequest(ApiEvents.from("user-flow-5", "POST /exchange_public_token",
                "{\"public_token\":\"" + publicToken + "\"}"), new LambdaContext());

        var exchanges = rig.allRecords().stream().filter(r -> r.get("pk").s().startsWith("EXCHANGE#")).toList();
        assertThat(exchanges).isNotEmpty();
        for (var record : exchanges) {
            assertThat(record.toString()).doesNotContain(publicToken).doesNotContain("access-sandbox-");
            assertThat(record.get("pk").s()).matches("EXCHANGE#[0-9a-f]{64}");
            assertThat(Long.parseLong(record.get("expires_at").n())).isGreaterThan(System.currentTimeMillis() / 1000);
        }
    }
}
