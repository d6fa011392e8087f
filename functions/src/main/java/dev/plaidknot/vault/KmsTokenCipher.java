package dev.plaidknot.vault;

import dev.plaidknot.aws.AwsFailures;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * KMS Encrypt/Decrypt with the token key. Tokens are short (under 4 KiB), so direct KMS
 * encryption is enough: no envelope, no data key held in memory.
 */
public final class KmsTokenCipher implements TokenCipher {

    private final KmsClient kms;
    private final String keyId;
    /** Encrypting a token, bounded on its own: storing an access token must fit in what the exchange leaves. */
    private final Duration encryptTimeout;

    public KmsTokenCipher(KmsClient kms, String keyId, Duration encryptTimeout) {
        this.kms = kms;
        this.keyId = keyId;
        this.encryptTimeout = encryptTimeout;
    }

    @Override
    public byte[] encrypt(String token, Map<String, String> context) {
        try {
            return kms.encrypt(EncryptRequest.builder()
                            .keyId(keyId)
                            .plaintext(SdkBytes.fromUtf8String(token))
                            .encryptionContext(context)
                            .overrideConfiguration(o -> o.apiCallTimeout(encryptTimeout))
                            .build())
                    .ciphertextBlob()
                    .asByteArray();
        } catch (SdkException e) {
            throw AwsFailures.unavailable("kms", e);
        }
    }

    @Override
    public String decrypt(byte[] ciphertext, Map<String, String> context) {
        try {
            return kms.decrypt(DecryptRequest.builder()
                            .keyId(keyId)
                            .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                            .encryptionContext(context)
                            .build())
                    .plaintext()
                    .asUtf8String();
        } catch (SdkException e) {
            throw AwsFailures.unavailable("kms", e);
        }
    }
}
