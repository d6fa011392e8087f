package dev.plaidknot.knot;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Knot's webhook signature: base64 of HMAC-SHA256, keyed with the Knot secret, of
 * {@code Content-Length|<n>|Content-Type|<type>|Encryption-Type|HMAC-SHA256|event|<event>|session_id|<id>}
 * (the last pair left out when the body has none). It covers these fields only, which is why the
 * webhook takes the user and card from the service's own records, never from the body.
 */
public final class KnotWebhookSignature {

    /** What Knot signs of a delivery; {@code sessionId} is null when the body has none. */
    public record SignedFields(long contentLength, String contentType, String event, String sessionId) {
        @Override
        public String toString() {
            return "SignedFields[contentLength=" + contentLength + ", event=" + event + ", session=<redacted>]";
        }
    }

    private KnotWebhookSignature() {
    }

    static String signedString(SignedFields fields) {
        String signed = "Content-Length|" + fields.contentLength() + "|Content-Type|" + fields.contentType()
                + "|Encryption-Type|HMAC-SHA256|event|" + fields.event();
        return fields.sessionId() == null ? signed : signed + "|session_id|" + fields.sessionId();
    }

    /** The signature Knot would send for these fields under this secret. */
    public static String sign(SignedFields fields, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(signedString(fields).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** Constant-time: how much of a guess matches must not show in the time taken. */
    static boolean verify(SignedFields fields, String signature, String secret) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        byte[] expected = sign(fields, secret).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.US_ASCII));
    }
}
