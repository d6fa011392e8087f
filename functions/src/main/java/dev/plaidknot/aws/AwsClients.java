package dev.plaidknot.aws;

import dev.plaidknot.observability.UpstreamTimingInterceptor;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The AWS clients of a deployed function: the URL-connection HTTP client (the SDK's lightest),
 * short timeouts so a stalled AWS call fails in the request's time, each call timed into the
 * request's telemetry, and the region from Lambda's environment.
 */
public final class AwsClients {

    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(5))
            .build();
    private static final ClientOverrideConfiguration TIMEOUTS = ClientOverrideConfiguration.builder()
            .apiCallAttemptTimeout(Duration.ofSeconds(3))
            .apiCallTimeout(Duration.ofSeconds(8))
            .addExecutionInterceptor(new UpstreamTimingInterceptor())
            .build();

    /**
     * The default chain, one for all of a function's clients (each client would otherwise build
     * its own), so the restore hook resolves it once for all of them.
     */
    private static final AwsCredentialsProvider CREDENTIALS = DefaultCredentialsProvider.builder().build();
    private static final AwsCredentialsProvider MADE_UP_KEYS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));

    private AwsClients() {
    }

    public static SecretsManagerClient secretsManager() {
        return built(SecretsManagerClient.builder().credentialsProvider(CREDENTIALS));
    }

    public static DynamoDbClient dynamo() {
        return built(DynamoDbClient.builder().credentialsProvider(CREDENTIALS));
    }

    public static KmsClient kms() {
        return built(KmsClient.builder().credentialsProvider(CREDENTIALS));
    }

    public static LambdaClient lambda() {
        return built(LambdaClient.builder().credentialsProvider(CREDENTIALS));
    }

    /**
     * The same client pointed at a stand-in on this machine, signing with made-up keys: it runs the
     * deployed client's code and reaches nothing real.
     */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C atStandIn(B builder, URI standIn) {
        return built(builder.endpointOverride(standIn).region(Region.US_EAST_1).credentialsProvider(MADE_UP_KEYS));
    }

    /** A client with this HTTP client and these timeouts; the builder brings anything else. */
    private static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C built(B builder) {
        return builder.httpClient(HTTP).overrideConfiguration(TIMEOUTS).build();
    }
}
