package dev.plaidknot.knot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.knot.KnotWebhookSignature.SignedFields;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KnotWebhookSignatureTest {

    @Test
    void the_signed_string_is_knots_header_list_with_the_session_last_and_only_when_present() {
        assertThat(KnotWebhookSignature.signedString(new SignedFields(312, "application/json", "AUTHENTICATED", "s-1")))
                .isEqualTo("Content-Length|312|Content-Type|application/json|Encryption-Type|HMAC-SHA256|event|AUTHENTICATED"
                        + "|session_id|s-1");
        assertThat(KnotWebhookSignature.signedString(new SignedFields(90, "application/json", "MERCHANT_STATUS_UPDATE", null)))
                .isEqualTo("Content-Length|90|Content-Type|application/json|Encryption-Type|HMAC-SHA256"
                        + "|event|MERCHANT_STATUS_UPDATE");
    }

    @Test
    void a_signature_is_base64_hmac_sha256_keyed_with_the_secret_and_verifies_only_for_its_fields() throws Exception {
        SignedFields fields = new SignedFields(312, "application/json", "CARD_UPDATED", "s-1");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("k".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(
                mac.doFinal(KnotWebhookSignature.signedString(fields).getBytes(StandardCharsets.UTF_8)));

        assertThat(KnotWebhookSignature.sign(fields, "k")).isEqualTo(expected);
        assertThat(KnotWebhookSignature.verify(fields, expected, "k")).isTrue();
        assertThat(KnotWebhookSignature.verify(new SignedFields(313, "application/json", "CARD_UPDATED", "s-1"), expected, "k"))
                .isFalse();
        assertThat(KnotWebhookSignature.verify(fields, expected, "other")).isFalse();
        assertThat(KnotWebhookSignature.verify(fields, null, "k")).isFalse();
    }
}
