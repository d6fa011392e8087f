package dev.plaidknot.local;

import dev.plaidknot.vault.TokenCipher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * DEVELOPMENT ONLY: the local server's stand-in for KMS. AES-256-GCM under a key made at start-up
 * that lives only in this process (records written by an earlier run cannot be read), with the
 * encryption context as associated data, so a ciphertext moved to another record fails to
 * decrypt as it does with KMS. Refused outright for Plaid's production environment: production
 * tokens are only ever encrypted by KMS.
 */
public final class DevelopmentTokenCipher implements TokenCipher {

    private static final byte VERSION = 'D';
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private DevelopmentTokenCipher(SecretKey key) {
        this.key = key;
    }

    /** A cipher with a fresh key, for any Plaid environment but production. */
    public static DevelopmentTokenCipher forPlaidEnvironment(String plaidEnvironment) {
        if ("production".equalsIgnoreCase(plaidEnvironment.strip())) {
            throw new IllegalStateException("the development token cipher is refused for Plaid's production "
                    + "environment: production access tokens are encrypted by KMS only (deploy the stack)");
        }
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            return new DevelopmentTokenCipher(generator.generateKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256 is not available in this JVM", e);
        }
    }

    @Override
    public byte[] encrypt(String token, Map<String, String> context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(context));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("development cipher failed to encrypt", e);
        }
    }

    @Override
    public String decrypt(byte[] ciphertext, Map<String, String> context) {
        if (ciphertext.length < 1 + NONCE_BYTES || ciphertext[0] != VERSION) {
            throw new IllegalStateException("not a ciphertext of the development cipher");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(ciphertext, 1, 1 + NONCE_BYTES)));
            cipher.updateAAD(associatedData(context));
            return new String(cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // A wrong context, another run's key or a tampered record: the same refusal KMS gives.
            throw new IllegalStateException("the ciphertext does not decrypt under this key and context");
        }
    }

    /** The context in one canonical form: sorted, each key and value length-prefixed. */
    private static byte[] associatedData(Map<String, String> context) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(context).forEach((k, v) -> canonical.append(k.length()).append(':').append(k)
                .append(v.length()).append(':').append(v));
        return canonical.toString().getBytes(StandardCharsets.UTF_8);
    }
}
