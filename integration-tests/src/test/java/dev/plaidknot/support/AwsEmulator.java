package dev.plaidknot.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.local.MotoServer;
import dev.plaidknot.local.SamTemplate;
import dev.plaidknot.local.TokensTable;
import dev.plaidknot.observability.UpstreamTimingInterceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;

/**
 * The AWS emulator the integration tests run against, chosen once per test JVM: the endpoint in
 * {@code AWS_ENDPOINT_URL}; else LocalStack through Testcontainers when a Docker engine answers;
 * else {@code moto_server} started here on 127.0.0.1. None of them is a failure that says how to
 * get one, never a skip. Tables, keys and secrets are made from what template.yaml declares.
 */
public final class AwsEmulator {

    static final String LOCALSTACK_IMAGE = "localstack/localstack:4.14.0";
    public static final Region REGION = Region.US_EAST_1;
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private static AwsEmulator instance;

    private final URI endpoint;
    private final String description;
    private final SdkHttpClient http = UrlConnectionHttpClient.create();

    private AwsEmulator(URI endpoint, String description) {
        this.endpoint = endpoint;
        this.description = description;
    }

    public static synchronized AwsEmulator get() {
        if (instance == null) {
            instance = choose();
            System.out.println("[aws-emulator] " + instance.description + " at " + instance.endpoint);
        }
        return instance;
    }

    public URI endpoint() {
        return endpoint;
    }

    public String description() {
        return description;
    }

    public DynamoDbClient dynamo() {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new UpstreamTimingInterceptor()))
                .httpClient(http).build();
    }

    public KmsClient kms() {
        return KmsClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new UpstreamTimingInterceptor()))
                .httpClient(http).build();
    }

    public SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new UpstreamTimingInterceptor()))
                .httpClient(http).build();
    }

    /**
     * A client of this emulator built from the given builder, with these interceptors and, when
     * {@code retries} is false, no SDK retries (a fault then shows at once).
     */
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(
            B builder, boolean retries, ExecutionInterceptor... interceptors) {
        builder.endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> {
                    if (!retries) {
                        c.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                    for (ExecutionInterceptor interceptor : interceptors) {
                        c.addExecutionInterceptor(interceptor);
                    }
                });
        return builder.build();
    }

    /** Clients for an endpoint where nothing listens: a dependency that is down. */
    public static DynamoDbClient unreachableDynamo() {
        return DynamoDbClient.builder().endpointOverride(deadEndpoint()).region(REGION).credentialsProvider(CREDENTIALS)
                .overrideConfiguration(noRetries()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static KmsClient unreachableKms() {
        return KmsClient.builder().endpointOverride(deadEndpoint()).region(REGION).credentialsProvider(CREDENTIALS)
                .overrideConfiguration(noRetries()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static SecretsManagerClient unreachableSecretsManager() {
        return SecretsManagerClient.builder().endpointOverride(deadEndpoint()).region(REGION)
                .credentialsProvider(CREDENTIALS).overrideConfiguration(noRetries())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Creates the template's TokensTable, under a fresh name, from the template's own schema. */
    public String createTokensTable(SamTemplate template) {
        String name = "tokens-" + UUID.randomUUID();
        try (DynamoDbClient dynamo = dynamo()) {
            TokensTable.create(dynamo, template, name);
        }
        return name;
    }

    /** Creates a key like the template's TokenKey; returns its ARN. */
    public String createTokenKey(SamTemplate template) {
        JsonNode properties = template.resource("TokenKey").path("Properties");
        try (KmsClient kms = kms()) {
            return kms.createKey(CreateKeyRequest.builder()
                            .keySpec(properties.path("KeySpec").asText("SYMMETRIC_DEFAULT"))
                            .keyUsage(properties.path("KeyUsage").asText("ENCRYPT_DECRYPT"))
                            .description(properties.path("Description").asText())
                            .build())
                    .keyMetadata().arn();
        }
    }

    /** Creates a secret with this JSON; returns its ARN. */
    public String createSecret(String json) {
        try (SecretsManagerClient secrets = secretsManager()) {
            return secrets.createSecret(CreateSecretRequest.builder()
                    .name("plaid-" + UUID.randomUUID())
                    .secretString(json)
                    .build()).arn();
        }
    }

    private static ClientOverrideConfiguration noRetries() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static URI deadEndpoint() {
        // A port bound and closed again: nothing listens there, so connecting is refused at once.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- choosing the emulator ----------------------------------------------------------------

    private static AwsEmulator choose() {
        String configured = System.getenv("AWS_ENDPOINT_URL");
        if (configured != null && !configured.isBlank()) {
            return new AwsEmulator(URI.create(configured.strip()), "AWS_ENDPOINT_URL");
        }
        if (dockerAvailable()) {
            return startLocalStack();
        }
        Optional<Path> moto = MotoServer.executable();
        if (moto.isPresent()) {
            return startMoto(moto.get());
        }
        throw new IllegalStateException("""
                No AWS emulator for the integration tests. Do one of:
                  - set AWS_ENDPOINT_URL to a running emulator (e.g. moto_server -H 127.0.0.1 -p 5000);
                  - start a Docker engine, so LocalStack (%s) runs through Testcontainers;
                  - install moto's server so that moto_server is on the PATH: pip install 'moto[server]'.
                """.formatted(LOCALSTACK_IMAGE));
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static AwsEmulator startLocalStack() {
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        String image = Optional.ofNullable(System.getenv("LOCALSTACK_IMAGE")).orElse(LOCALSTACK_IMAGE);
        LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse(image)
                .asCompatibleSubstituteFor("localstack/localstack"))
                .withServices("dynamodb", "kms", "secretsmanager");
        if (token != null && !token.isBlank()) {
            localstack.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        localstack.start();
        Runtime.getRuntime().addShutdownHook(new Thread(localstack::stop));
        return new AwsEmulator(localstack.getEndpoint(), "LocalStack " + image + " (Testcontainers)");
    }

    private static AwsEmulator startMoto(Path executable) {
        MotoServer moto = MotoServer.start(executable, Duration.ofSeconds(60));
        return new AwsEmulator(moto.endpoint(), "moto_server (started by the tests)");
    }
}
