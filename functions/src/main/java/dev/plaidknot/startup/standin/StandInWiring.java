package dev.plaidknot.startup.standin;

import dev.plaidknot.Wiring;
import dev.plaidknot.aws.AwsClients;
import dev.plaidknot.config.Settings;
import dev.plaidknot.secrets.SecretsManagerSource;
import dev.plaidknot.vault.KmsTokenCipher;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A twin of a function's wiring: the same classes, with the function's own Plaid request settings,
 * every client pointed at the stand-in and signing with made-up keys. So the priming walk runs
 * real code, sends what this function sends, and reaches nothing real.
 */
public final class StandInWiring {

    private StandInWiring() {
    }

    public static Wiring twinOf(Settings function, URI standIn) {
        Map<String, String> env = new HashMap<>(Map.of("PLAID_SECRET_ARN", "priming-plaid",
                "KNOT_SECRET_ARN", "priming-knot", "TOKENS_TABLE", "priming", "PLAID_BASE_URL", standIn.toString(),
                "KNOT_BASE_URL", standIn.toString(), "PLAID_CLIENT_NAME", "Priming",
                "CARD_PLATFORM_FUNCTION", "priming-card-platform", "KNOT_WEBHOOK_SOURCE_CIDRS", "127.0.0.1/32"));
        env.putAll(function.plaidRequestSettings());
        return new Wiring(new Settings(env), new Wiring.Backends(
                () -> new SecretsManagerSource(AwsClients.atStandIn(SecretsManagerClient.builder(), standIn)),
                () -> AwsClients.atStandIn(DynamoDbClient.builder(), standIn),
                () -> new KmsTokenCipher(AwsClients.atStandIn(KmsClient.builder(), standIn), "priming",
                        function.storeCallTimeout()),
                () -> AwsClients.atStandIn(LambdaClient.builder(), standIn)));
    }
}
