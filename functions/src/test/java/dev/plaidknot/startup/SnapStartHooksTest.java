package dev.plaidknot.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.plaidknot.Wiring;
import dev.plaidknot.config.Settings;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.ListItemsHandler;
import dev.plaidknot.vault.TokenCipher;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** What the SnapStart hooks do with the AWS clients a function built: credentials resolved, no AWS call. */
class SnapStartHooksTest {

    private static final TokenCipher UNUSED_CIPHER = new TokenCipher() {
        @Override
        public byte[] encrypt(String token, Map<String, String> context) {
            throw new AssertionError("no encryption on restore");
        }

        @Override
        public String decrypt(byte[] ciphertext, Map<String, String> context) {
            throw new AssertionError("no decryption on restore");
        }
    };

    @Test
    void restore_resolves_the_credentials_of_the_dynamodb_client_the_function_built_without_calling_it() throws Exception {
        AtomicInteger resolved = new AtomicInteger();
        try (DynamoDbClient dynamo = dynamo(resolved)) {
            BuiltResources resources = new BuiltResources(null);
            listFunction(dynamo, resources);
            assertThat(resolved).as("building the client resolves nothing").hasValue(0);

            resources.resolveAwsCredentials();

            assertThat(resolved).hasValue(1);
        }
    }

    @Test
    void restore_resolves_the_credentials_of_the_secrets_manager_client_without_fetching_a_key() throws Exception {
        AtomicInteger resolved = new AtomicInteger();
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(closedPort())
                .region(Region.US_EAST_1).credentialsProvider(counting(resolved)).build()) {
            Settings settings = new Settings(Map.of("PLAID_SECRET_ARN", "plaid"));
            BuiltResources resources = new BuiltResources(null);
            Wiring wiring = new Wiring(settings, Wiring.Backends.aws(settings, () -> secrets, () -> {
                throw new AssertionError("the link token builds its vault on an update-mode request only");
            }, () -> {
                throw new AssertionError("no KMS client at init");
            }, () -> {
                throw new AssertionError("no Lambda client at init");
            }), resources);
            new CreateLinkTokenHandler(wiring);
            assertThat(resolved).as("building the client resolves nothing").hasValue(0);

            resources.resolveAwsCredentials();

            assertThat(resolved).hasValue(1);
        }
    }

    @Test
    void before_the_snapshot_the_built_clients_credentials_are_resolved_and_no_aws_call_is_made() throws Exception {
        AtomicInteger resolved = new AtomicInteger();
        try (DynamoDbClient dynamo = dynamo(resolved)) {
            BuiltResources resources = new BuiltResources(null);
            Wiring wiring = listFunction(dynamo, resources);

            // The SDK's default chain may keep what it resolved in the snapshot; the restore hook resolves again.
            new SnapStartHooks(wiring, resources, "").beforeCheckpoint(null);

            assertThat(resolved).hasValue(1);
        }
    }

    /** The item list's wiring (it holds no key), its handler built as Lambda's init builds it. */
    private static Wiring listFunction(DynamoDbClient dynamo, BuiltResources resources) {
        Wiring wiring = new Wiring(new Settings(Map.of("TOKENS_TABLE", "tokens")), new Wiring.Backends(() -> {
            throw new AssertionError("the item list holds no key");
        }, () -> dynamo, () -> UNUSED_CIPHER, () -> {
            throw new AssertionError("the item list invokes no card platform");
        }), resources);
        new ListItemsHandler(wiring);
        return wiring;
    }

    private static DynamoDbClient dynamo(AtomicInteger resolved) throws Exception {
        return DynamoDbClient.builder().endpointOverride(closedPort()).region(Region.US_EAST_1)
                .credentialsProvider(counting(resolved)).build();
    }

    /** Counts each resolution; a call to an AWS API would need the port below, which refuses it. */
    private static AwsCredentialsProvider counting(AtomicInteger resolved) {
        return () -> {
            resolved.incrementAndGet();
            return AwsBasicCredentials.create("restore", "restore");
        };
    }

    /** A port nothing listens on: a call to it fails the test with an exception. */
    private static URI closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    @Test
    void restore_builds_no_aws_client_that_the_function_did_not_build() {
        Settings settings = new Settings(Map.of());
        BuiltResources resources = new BuiltResources(null);
        new Wiring(settings, Wiring.Backends.aws(settings, () -> {
            throw new AssertionError("built a Secrets Manager client");
        }, () -> {
            throw new AssertionError("built a DynamoDB client");
        }, () -> {
            throw new AssertionError("built a KMS client");
        }, () -> {
            throw new AssertionError("built a Lambda client");
        }), resources);

        assertThatCode(() -> {
            resources.resolveAwsCredentials();
            resources.resolvePlaidOperations();
            resources.openUpstreamConnections();
        }).doesNotThrowAnyException();
    }
}
