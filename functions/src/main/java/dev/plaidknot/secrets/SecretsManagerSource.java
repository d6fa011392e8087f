package dev.plaidknot.secrets;

import dev.plaidknot.aws.AwsFailures;
import dev.plaidknot.config.Misconfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/** Secrets Manager's current version of a secret. */
public final class SecretsManagerSource implements SecretSource {

    private final SecretsManagerClient client;

    public SecretsManagerSource(SecretsManagerClient client) {
        this.client = client;
    }

    @Override
    public String secretString(String secretId) {
        try {
            String value = client.getSecretValue(GetSecretValueRequest.builder().secretId(secretId).build())
                    .secretString();
            if (value == null) {
                throw new Misconfiguration("the secret holds binary data, not a JSON string");
            }
            return value;
        } catch (SdkException e) {
            throw AwsFailures.unavailable("secretsmanager", e);
        }
    }

    @Override
    public void resolveCredentials() {
        client.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
    }
}
