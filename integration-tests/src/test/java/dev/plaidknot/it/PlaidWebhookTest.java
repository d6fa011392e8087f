package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.Api;
import dev.plaidknot.support.LogCapture;
import dev.plaidknot.support.LogLines;
import dev.plaidknot.support.WithRig;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Plaid's webhooks: verified before anything is read, applied once, in order. */
class PlaidWebhookTest extends WithRig {


    private static Map<String, AttributeValue> itemRecord(String user, String itemId) {
        return rig.records(user).stream().filter(r -> r.get("sk").s().equals("ITEM#" + itemId)).findFirst().orElseThrow();
    }

    private static String status(String user, String itemId) {
        return itemRecord(user, itemId).get("status").s();
    }

    private static String loginRequired(String itemId) {
        return PlaidSimulator.itemWebhook(itemId, "ERROR", "ITEM_LOGIN_REQUIRED");
    }

    @Test
    void login_required_then_repaired_moves_the_item_between_states() {
        String itemId = api.link("hook-state");
        rig.plaid.requireLogin(itemId);

        APIGatewayV2HTTPResponse broken = api.deliverSigned(loginRequired(itemId));
        assertThat(broken.getStatusCode()).isEqualTo(200);
        assertThat(json(broken).path("outcome").asText()).isEqualTo("applied");
        assertThat(status("hook-state", itemId)).isEqualTo("needs_user");
        assertThat(itemRecord("hook-state", itemId).get("status_reason").s()).isEqualTo("ITEM_LOGIN_REQUIRED");

        String repaired = PlaidSimulator.itemWebhook(itemId, "LOGIN_REPAIRED", null);
        rig.plaid.repairLogin(itemId);
        assertThat(api.deliver(rig.plaid.signWebhook(repaired, Instant.now().plusSeconds(1)), repaired)
                .getStatusCode()).isEqualTo(200);
        assertThat(status("hook-state", itemId)).isEqualTo("healthy");
        assertThat(itemRecord("hook-state", itemId)).doesNotContainKey("status_reason");
    }

    @Test
    void expiry_disconnect_and_revocation_are_recorded() {
        String expiring = api.link("hook-codes");
        String disconnecting = api.link("hook-codes");
        String revoked = api.link("hook-codes");

        api.deliverSigned(PlaidSimulator.itemWebhook(expiring, "PENDING_EXPIRATION", null));
        api.deliverSigned(PlaidSimulator.itemWebhook(disconnecting, "PENDING_DISCONNECT", null));
        api.deliverSigned(PlaidSimulator.itemWebhook(revoked, "USER_PERMISSION_REVOKED", null));

        assertThat(status("hook-codes", expiring)).isEqualTo("needs_user");
        assertThat(itemRecord("hook-codes", expiring).get("status_reason").s()).isEqualTo("PENDING_EXPIRATION");
        assertThat(itemRecord("hook-codes", disconnecting).get("status_reason").s()).isEqualTo("PENDING_DISCONNECT");
        assertThat(status("hook-codes", revoked)).isEqualTo("revoked");
    }

    @Test
    void a_revoked_account_is_marked_and_the_item_stays_healthy() {
        String itemId = api.link("hook-account");
        String accountId = rig.plaid.item(itemId).orElseThrow().accounts.get(1).accountId();
        String body = "{\"webhook_type\":\"ITEM\",\"webhook_code\":\"USER_ACCOUNT_REVOKED\",\"item_id\":\"" + itemId
                + "\",\"account_id\":\"" + accountId + "\",\"environment\":\"sandbox\"}";

        assertThat(api.deliverSigned(body).getStatusCode()).isEqualTo(200);

        var account = rig.records("hook-account").stream()
                .filter(r -> accountId.equals(r.getOrDefault("account_id", AttributeValue.fromS("")).s()))
                .findFirst().orElseThrow();
        assertThat(account.get("status").s()).isEqualTo("revoked");
        assertThat(status("hook-account", itemId)).isEqualTo("healthy");
    }

    @Test
    void a_replayed_delivery_changes_nothing_twice() {
        String itemId = api.link("hook-replay");
        rig.plaid.requireLogin(itemId);
        String body = loginRequired(itemId);
        String header = rig.plaid.signWebhook(body, Instant.now().minusSeconds(5));
        assertThat(json(api.deliver(header, body)).path("outcome").asText()).isEqualTo("applied");
        String repaired = PlaidSimulator.itemWebhook(itemId, "LOGIN_REPAIRED", null);
        rig.plaid.repairLogin(itemId);
        api.deliverSigned(repaired);
        String updatedAt = itemRecord("hook-replay", itemId).get("updated_at").s();

        APIGatewayV2HTTPResponse replay = api.deliver(header, body);

        assertThat(replay.getStatusCode()).isEqualTo(200);
        assertThat(json(replay).path("outcome").asText()).isEqualTo("already_applied");
        assertThat(status("hook-replay", itemId)).isEqualTo("healthy");
        assertThat(itemRecord("hook-replay", itemId).get("updated_at").s()).isEqualTo(updatedAt);
    }

    @Test
    void an_older_delivery_arriving_late_does_not_undo_a_newer_one() {
        String itemId = api.link("hook-order");
        String repaired = PlaidSimulator.itemWebhook(itemId, "LOGIN_REPAIRED", null);
        api.deliver(rig.plaid.signWebhook(repaired, Instant.now()), repaired);
        String broken = loginRequired(itemId);

        APIGatewayV2HTTPResponse late = api.deliver(rig.plaid.signWebhook(broken, Instant.now().minusSeconds(60)), broken);

        assertThat(late.getStatusCode()).isEqualTo(200);
        assertThat(status("hook-order", itemId)).isEqualTo("healthy");
    }

    @Test
    void a_retried_login_required_arriving_after_the_repair_leaves_the_item_healthy() {
        String itemId = api.link("hook-retry");
        String broken = loginRequired(itemId);
        rig.plaid.requireLogin(itemId);
        assertThat(api.deliverSigned(broken).getStatusCode()).isEqualTo(200);
        assertThat(status("hook-retry", itemId)).isEqualTo("needs_user");
        rig.plaid.repairLogin(itemId);
        String repaired = PlaidSimulator.itemWebhook(itemId, "LOGIN_REPAIRED", null);
        assertThat(api.deliverSigned(repaired).getStatusCode()).isEqualTo(200);

        // Plaid retries the first delivery, signed anew: its iat is the newest of the three.
        APIGatewayV2HTTPResponse retried = api.deliver(rig.plaid.signWebhook(broken, Instant.now().plusSeconds(2)), broken);

        assertThat(retried.getStatusCode()).isEqualTo(200);
        assertThat(status("hook-retry", itemId)).isEqualTo("healthy");
    }

    @Test
    void anything_unverified_is_401_and_changes_nothing() throws Exception {
        String itemId = api.link("hook-forged");
        String body = loginRequired(itemId);
        String tampered = body.replace("ITEM_LOGIN_REQUIRED", "ITEM_LOGIN_REQUIRED ");
        Map<String, String> forgeries = Map.of(
                "missing header", "",
                "tampered body", rig.plaid.signWebhook(body),
                "stale iat", rig.plaid.signWebhook(body, Instant.now().minus(Duration.ofMinutes(6))),
                "unknown key id", rig.plaid.signWebhookWithUnknownKey(body),
                "not a JWT", "definitely-not-a-jwt",
                "alg none", new PlainJWT(new PlainHeader(), claims(body)).serialize(),
                "HS256 keyed with the key id", hmacSigned(body));
        for (var forgery : forgeries.entrySet()) {
            String sentBody = forgery.getKey().equals("tampered body") ? tampered : body;
            APIGatewayV2HTTPResponse response = api.deliver(forgery.getValue().isEmpty() ? null : forgery.getValue(), sentBody);

            assertThat(response.getStatusCode()).as(forgery.getKey()).isEqualTo(401);
            assertThat(json(response).path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
            assertThat(status("hook-forged", itemId)).as(forgery.getKey()).isEqualTo("healthy");
        }
    }

    @Test
    void unknown_items_and_other_webhook_types_are_acknowledged_without_logging_bodies() {
        int keyFetches = rig.plaid.calls("/webhook_verification_key/get");
        String transactions = "{\"webhook_type\":\"TRANSACTIONS\",\"webhook_code\":\"SYNC_UPDATES_AVAILABLE\","
                + "\"item_id\":\"wz666MBjYWTp2PDzzggYhM6oWWmBb\",\"initial_update_complete\":true,"
                + "\"historical_update_complete\":false,\"environment\":\"sandbox\",\"marker\":\"do-not-log-me\"}";
        String logs;
        try (LogCapture capture = new LogCapture()) {
            APIGatewayV2HTTPResponse unknown = api.deliverSigned(loginRequired("UnknownItem0000000000000000000000000"));
            APIGatewayV2HTTPResponse other = api.deliverSigned(transactions);

            assertThat(unknown.getStatusCode()).isEqualTo(200);
            assertThat(json(unknown).path("outcome").asText()).isEqualTo("unknown_item");
            assertThat(other.getStatusCode()).isEqualTo(200);
            assertThat(json(other).path("outcome").asText()).isEqualTo("acknowledged");
            logs = capture.text();
        }
        assertThat(LogLines.parse(logs)).anyMatch(l -> "SYNC_UPDATES_AVAILABLE".equals(l.path("webhook_code").asText()));
        assertThat(logs).doesNotContain("do-not-log-me");
        assertThat(rig.plaid.calls("/webhook_verification_key/get")).as("the key is cached").isLessThanOrEqualTo(Math.max(keyFetches, 1));
    }

    @Test
    void a_flood_of_forged_key_ids_costs_a_handful_of_key_fetches_and_no_plaid_error() {
        // A fresh execution environment: its own key cache and fetch budget.
        Api fresh = new Api(rig.wiring(), rig.plaid);
        String itemId = api.link("hook-flood");
        String repaired = PlaidSimulator.itemWebhook(itemId, "LOGIN_REPAIRED", null);
        assertThat(fresh.deliverSigned(repaired).getStatusCode()).isEqualTo(200);
        int fetchesBefore = rig.plaid.calls("/webhook_verification_key/get");
        String body = loginRequired(itemId);
        List<JsonNode> lines;
        try (LogCapture capture = new LogCapture()) {
            for (int i = 0; i < 100; i++) {
                assertThat(fresh.deliver(rig.plaid.signWebhookWithUnknownKey(body), body).getStatusCode()).isEqualTo(401);
            }
            lines = LogLines.parse(capture.text());
        }

        int fetches = rig.plaid.calls("/webhook_verification_key/get") - fetchesBefore;
        long plaidErrors = LogLines.metrics(lines).stream().filter(metric -> metric.has("PlaidErrors")).count();
        System.out.printf("%nForged-key flood: 100 webhooks with fresh key ids -> %d key fetches, %d PlaidErrors metrics%n",
                fetches, plaidErrors);
        assertThat(fetches).isBetween(1, 5);
        assertThat(LogLines.metrics(lines)).noneMatch(metric -> metric.has("PlaidErrors"));
        assertThat(status("hook-flood", itemId)).isEqualTo("healthy");
        // Plaid's own webhook, right after, still verifies (its key is cached, not evicted by the flood).
        APIGatewayV2HTTPResponse genuine = fresh.deliverSigned(repaired);
        assertThat(genuine.getStatusCode()).isEqualTo(200);
    }

    private static JWTClaimsSet claims(String body) throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
        return new JWTClaimsSet.Builder().issueTime(new Date()).claim("request_body_sha256", hash).build();
    }

    private static String hmacSigned(String body) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rig.plaid.webhookKeyId()).build(),
                claims(body));
        jwt.sign(new MACSigner(rig.plaid.webhookKeyId().repeat(4)));
        return jwt.serialize();
    }
}
