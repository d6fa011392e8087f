package dev.plaidknot.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.domain.Refusal;
import dev.plaidknot.plaid.PlaidGateway.WebhookKey;
import dev.plaidknot.testing.FakePlaidGateway;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlaidWebhookVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    /** Plaid's key ids are UUIDs. */
    private static final String KEY_1 = "2b1f7b2e-8a55-4c1e-9d4b-000000000001";
    private static final byte[] BODY = "{\"webhook_type\":\"ITEM\",\"webhook_code\":\"ERROR\"}".getBytes(StandardCharsets.UTF_8);

    private final FakePlaidGateway plaid = new FakePlaidGateway();
    private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    private final PlaidWebhookVerifier verifier = new PlaidWebhookVerifier(plaid, now::get);
    private ECKey key;

    @BeforeEach
    void publishKey() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID(KEY_1).generate();
        plaid.webhookKeys.put(KEY_1, publicKey(key, null));
    }

    private static WebhookKey publicKey(ECKey key, Long expiredAt) {
        return new WebhookKey(key.getKeyID(), "ES256", "P-256", "EC", key.getX().toString(), key.getY().toString(), expiredAt);
    }

    private static String sign(ECKey key, byte[] body, Instant issuedAt) throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issueTime(Date.from(issuedAt)).claim("request_body_sha256", hash).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private void assertRejected(String header, byte[] body) {
        assertThatThrownBy(() -> verifier.verify(header, body))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(401));
    }

    @Test
    void a_fresh_signature_over_the_exact_body_verifies() throws Exception {
        VerifiedWebhook webhook = verifier.verify(sign(key, BODY, NOW.minusSeconds(30)), BODY);

        assertThat(webhook.issuedAt()).isEqualTo(NOW.minusSeconds(30).getEpochSecond());
        assertThat(webhook.deliveryId()).hasSize(64);
    }

    @Test
    void the_key_is_fetched_once_and_cached() throws Exception {
        verifier.verify(sign(key, BODY, NOW), BODY);
        verifier.verify(sign(key, BODY, NOW), BODY);

        assertThat(plaid.calls).filteredOn("webhook_verification_key/get"::equals).hasSize(1);
    }

    @Test
    void a_changed_body_or_an_old_or_future_token_is_refused() throws Exception {
        assertRejected(sign(key, BODY, NOW), "{\"webhook_type\":\"ITEM\"}".getBytes(StandardCharsets.UTF_8));
        assertRejected(sign(key, BODY, NOW.minus(Duration.ofMinutes(5)).minusSeconds(1)), BODY);
        assertRejected(sign(key, BODY, NOW.plus(Duration.ofMinutes(2))), BODY);
    }

    @Test
    void unknown_expired_or_foreign_keys_are_refused() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("2b1f7b2e-8a55-4c1e-9d4b-000000000002").generate();
        assertRejected(sign(stranger, BODY, NOW), BODY);

        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID(KEY_1).generate();
        assertRejected(sign(impostor, BODY, NOW), BODY);

        ECKey retired = new ECKeyGenerator(Curve.P_256).keyID("2b1f7b2e-8a55-4c1e-9d4b-000000000003").generate();
        plaid.webhookKeys.put("2b1f7b2e-8a55-4c1e-9d4b-000000000003", publicKey(retired, NOW.minusSeconds(60).getEpochSecond()));
        assertRejected(sign(retired, BODY, NOW), BODY);
    }

    @Test
    void forgeries_with_unknown_keys_do_not_each_cost_a_call_to_plaid() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("2b1f7b2e-8a55-4c1e-9d4b-00000000dead").generate();
        for (int i = 0; i < 5; i++) {
            assertRejected(sign(stranger, BODY, NOW), BODY);
        }
        assertRejected(sign(stranger, BODY, NOW.minus(Duration.ofHours(1))), BODY);

        assertThat(plaid.calls).filteredOn("webhook_verification_key/get"::equals).hasSize(1);
    }

    @Test
    void missing_or_malformed_headers_are_refused_without_calling_plaid() {
        assertRejected(null, BODY);
        assertRejected("", BODY);
        assertRejected("a.b.c", BODY);
        assertRejected("x".repeat(5000), BODY);
        assertThat(plaid.calls).isEmpty();
    }

    @Test
    void a_key_id_not_in_plaids_form_is_refused_without_a_call() throws Exception {
        for (String keyId : new String[] {"key-1", "2B1F7B2E-8A55-4C1E-9D4B-000000000001", "../../etc", "a".repeat(36)}) {
            assertRejected(sign(new ECKeyGenerator(Curve.P_256).keyID(keyId).generate(), BODY, NOW), BODY);
        }
        assertThat(plaid.calls).isEmpty();
    }

    @Test
    void a_flood_of_fresh_key_ids_costs_a_burst_of_calls_then_one_per_refill() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertRejected(sign(new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate(), BODY, NOW),
                    BODY);
        }
        assertThat(plaid.calls).filteredOn("webhook_verification_key/get"::equals)
                .hasSize(PlaidWebhookVerifier.KEY_FETCH_BURST);

        // Plaid's genuine key, new to this environment, gets through once the budget refills.
        now.set(NOW.plus(PlaidWebhookVerifier.KEY_FETCH_REFILL));
        verifier.verify(sign(key, BODY, now.get()), BODY);
        assertThat(plaid.calls).filteredOn("webhook_verification_key/get"::equals)
                .hasSize(PlaidWebhookVerifier.KEY_FETCH_BURST + 1);
    }

    @Test
    void a_cached_key_that_plaid_has_since_expired_is_no_longer_trusted() throws Exception {
        verifier.verify(sign(key, BODY, NOW), BODY);
        // Plaid rotates: the key now carries an expired_at in the past.
        plaid.webhookKeys.put(KEY_1, publicKey(key, NOW.plusSeconds(60).getEpochSecond()));

        now.set(NOW.plus(PlaidWebhookVerifier.KEY_REFRESH).plusSeconds(120));

        assertRejected(sign(key, BODY, now.get()), BODY);
    }
}
