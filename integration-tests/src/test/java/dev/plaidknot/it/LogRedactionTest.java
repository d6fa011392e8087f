package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidError;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.Api;
import dev.plaidknot.support.AwsEmulator;
import dev.plaidknot.support.LogCapture;
import dev.plaidknot.support.LogLines;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every log line of the flow, its failures included, is free of tokens and secrets. */
class LogRedactionTest {

    @Test
    void no_token_public_token_or_secret_reaches_the_logs() {
        List<String> publicTokens = new ArrayList<>();
        String logs;
        try (TestRig rig = new TestRig(); LogCapture capture = new LogCapture()) {
            var wiring = rig.wiring();
            var link = new CreateLinkTokenHandler(wiring);
            var exchange = new ExchangePublicTokenHandler(wiring);
            var exchangeWithoutTable = new ExchangePublicTokenHandler(
                    rig.wiring(Map.of(), () -> rig.secrets, AwsEmulator::unreachableDynamo, () -> rig.kms));

            link.handleRequest(ApiEvents.from("redaction-user", "POST /create_link_token", null), new LambdaContext());
            // success, a failing account, a store failure with orphan removal, a rate limit, a used token
            publicTokens.add(exchangeOnce(rig, exchange));
            rig.plaid.failNext("/processor/token/create", PlaidError.internalServerError());
            publicTokens.add(exchangeOnce(rig, exchange));
            publicTokens.add(exchangeOnce(rig, exchangeWithoutTable));
            rig.plaid.failNext("/item/public_token/exchange", PlaidError.rateLimited());
            publicTokens.add(exchangeOnce(rig, exchange));
            exchange.handleRequest(ApiEvents.from("redaction-user", "POST /exchange_public_token",
                    "{\"public_token\":\"" + publicTokens.getFirst() + "\"}"), new LambdaContext());
            // malformed input holding a token-like value
            exchange.handleRequest(ApiEvents.from("redaction-user", "POST /exchange_public_token",
                    "{\"public_token\":\"" + publicTokens.getFirst() + "\" garbage"), new LambdaContext());
            // the item lifecycle: update mode, list, webhook, a failed and a successful delete, sandbox token
            Api api = new Api(wiring, rig.plaid);
            String itemId = api.link("redaction-user");
            link.handleRequest(ApiEvents.from("redaction-user", "POST /create_link_token",
                    "{\"item_id\":\"" + itemId + "\"}"), new LambdaContext());
            api.list("redaction-user", Map.of());
            api.deliverSigned(PlaidSimulator.itemWebhook(itemId, "ERROR", "ITEM_LOGIN_REQUIRED"));
            api.deliver(rig.plaid.signWebhook("{}"), "{\"tampered\":true}");
            rig.plaid.failNext("/item/remove", PlaidError.internalServerError());
            api.delete("redaction-user", itemId);
            api.delete("redaction-user", itemId);
            publicTokens.add(json(api.sandboxPublicToken.handleRequest(
                    ApiEvents.from("redaction-user", "POST /sandbox/public_token", null), new LambdaContext()))
                    .path("public_token").asText());

            List<String> secrets = new ArrayList<>(rig.plaid.allSecrets());
            secrets.addAll(publicTokens);
            logs = capture.text();
            List<String> outcomes = LogLines.requests(LogLines.parse(logs)).stream()
                    .map(l -> l.path("route").asText() + " " + l.path("status").asInt()).toList();
            assertThat(outcomes).as("the capture saw the service's log lines").contains(
                    "exchange_public_token 201", "exchange_public_token 503", "exchange_public_token 429",
                    "delete_item 204", "plaid_webhook 401");
            assertThat(secrets).hasSizeGreaterThan(8);
            for (String secret : secrets) {
                assertThat(logs).as("logs hold a secret or token").doesNotContain(secret);
            }
            assertThat(logs).doesNotContain("access-sandbox-").doesNotContain("processor-sandbox-")
                    .doesNotContain(rig.plaidSecret);
        }
    }

    private static String exchangeOnce(TestRig rig, ExchangePublicTokenHandler handler) {
        String token = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        handler.handleRequest(ApiEvents.from("redaction-user", "POST /exchange_public_token",
                "{\"public_token\":\"" + token + "\"}"), new LambdaContext());
        return token;
    }
}
