package dev.plaidknot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.aws.AwsClients;
import dev.plaidknot.support.AwsEmulator;
import dev.plaidknot.support.ProjectFiles;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deployed clients set no endpoint of their own, so the SDK's standard override
 * ({@code AWS_ENDPOINT_URL}, or its system property twin {@code aws.endpointUrl}) points them
 * at an emulator for local runs.
 */
class AwsEndpointOverrideTest {

    private static final Map<String, String> PROPERTIES = Map.of(
            "aws.endpointUrl", AwsEmulator.get().endpoint().toString(),
            "aws.region", "us-east-1",
            "aws.accessKeyId", "test",
            "aws.secretAccessKey", "test");

    @AfterEach
    void clear() {
        PROPERTIES.keySet().forEach(System::clearProperty);
    }

    @Test
    void production_clients_follow_the_standard_endpoint_override() {
        String table = AwsEmulator.get().createTokensTable(ProjectFiles.template());
        PROPERTIES.forEach(System::setProperty);

        try (var dynamo = AwsClients.dynamo(); var kms = AwsClients.kms();
             var secrets = AwsClients.secretsManager()) {
            assertThat(dynamo.listTables().tableNames()).contains(table);
            assertThat(kms.listKeys().keys()).isNotNull();
            assertThat(secrets.listSecrets().secretList()).isNotNull();
        }
    }
}
