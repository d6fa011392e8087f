package dev.plaidknot.support;

import dev.plaidknot.Wiring;
import dev.plaidknot.devcards.DevelopmentCardPlatform;
import dev.plaidknot.function.DevelopmentCardPlatformFunction;
import dev.plaidknot.knot.KnotEnvironment;
import dev.plaidknot.sim.LambdaInvokeSimulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import dev.plaidknot.config.Settings;
import dev.plaidknot.local.SamTemplate;
import dev.plaidknot.sim.KnotSimulator;
import dev.plaidknot.sim.PlaidSimulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * One test class's world: a table, a key and a Plaid secret in the AWS emulator, made from
 * template.yaml, and a Plaid simulator that knows the secret's keys. The fixtures live here.
 */
public final class TestRig implements AutoCloseable {

    public static final String CLIENT_ID = "5f1e2d3c4b5a69788796a5b4";
    public static final String KNOT_CLIENT_ID = "bd271e95-14e6-47ab-9f4f-225898f69183";
    /** Plaid call budget in tests: short, so a stalled simulator turns into a 504 quickly. */
    public static final String PLAID_TIMEOUT_MS = "1500";
    /**
     * The store's bound in tests: moto stalls for seconds now and then (a few times in a
     * thousand calls), which the deployed 3 s would turn into flaky 503s. Tests of the bound set it.
     */
    public static final String STORE_CALL_TIMEOUT_MS = "5000";

    public final SamTemplate template = ProjectFiles.template();
    public final AwsEmulator aws = AwsEmulator.get();
    public final String plaidSecret = "sim-secret-" + UUID.randomUUID();
    public final PlaidSimulator plaid = PlaidSimulator.start(CLIENT_ID, plaidSecret);
    public final String knotSecret = "knot-secret-" + UUID.randomUUID();
    public final KnotSimulator knot = KnotSimulator.start(plaid, KNOT_CLIENT_ID, knotSecret);
    public final DynamoDbClient dynamo = aws.dynamo();
    public final KmsClient kms = aws.kms();
    public final SecretsManagerClient secrets = aws.secretsManager();
    public final String table = aws.createTokensTable(template);
    public final String keyArn = aws.createTokenKey(template);
    public final String secretArn = aws.createSecret(secretJson(CLIENT_ID, plaidSecret, "sandbox"));
    public final String knotSecretArn = aws.createSecret(secretJson(KNOT_CLIENT_ID, knotSecret, "development"));
    /** Which test cards each cardholder holds at the development card platform: {@code "*"} is everyone. */
    public static final Map<String, List<String>> CARDS = Map.of("*", List.of("card-1", "card-2"),
            "cardholder-a", List.of("card-a"), "cardholder-b", List.of("card-b"),
            // The cardholder of the samples in events/.
            "8f3c2a1e-4b5d-4e6f-9a7b-0c1d2e3f4a5b", List.of("card_8f3c2a1e_primary"));
    public static final String CARD_PLATFORM = "arn:aws:lambda:us-east-1:000000000000:function:dev-card-platform";
    /** The development card platform, run as a Lambda function is: through Lambda's Invoke API. */
    public final LambdaInvokeSimulator lambda = cardPlatform();
    public final LambdaClient lambdaClient = LambdaClient.builder().endpointOverride(lambda.endpoint())
            .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();

    private static LambdaInvokeSimulator cardPlatform() {
        LambdaInvokeSimulator lambda = LambdaInvokeSimulator.start();
        DevelopmentCardPlatformFunction function = new DevelopmentCardPlatformFunction(
                new DevelopmentCardPlatform(CARDS, KnotEnvironment.DEVELOPMENT));
        lambda.deployStreamHandler("dev-card-platform", (payload, answer) -> function.handleRequest(payload, answer, null));
        return lambda;
    }

    public static String secretJson(String clientId, String secret, String environment) {
        return "{\"client_id\":\"" + clientId + "\",\"secret\":\"" + secret + "\",\"environment\":\"" + environment + "\"}";
    }

    /** The environment template.yaml gives the functions, pointed at this rig. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PLAID_SECRET_ARN", secretArn);
        env.put("PLAID_BASE_URL", plaid.baseUrl().toString());
        env.put("PLAID_TIMEOUT_MS", PLAID_TIMEOUT_MS);
        env.put("STORE_CALL_TIMEOUT_MS", STORE_CALL_TIMEOUT_MS);
        env.put("TOKENS_TABLE", table);
        env.put("TOKEN_KEY_ID", keyArn);
        env.put("PLAID_CLIENT_NAME", "Test Card Issuer");
        env.put("KNOT_SECRET_ARN", knotSecretArn);
        env.put("KNOT_BASE_URL", knot.baseUrl().toString());
        env.put("KNOT_TIMEOUT_MS", PLAID_TIMEOUT_MS);
        env.put("CARD_PLATFORM_FUNCTION", CARD_PLATFORM);
        env.put("CARD_PLATFORM_TIMEOUT_MS", "3000");
        return env;
    }

    public Wiring wiring() {
        return wiring(Map.of());
    }

    public Wiring wiring(Map<String, String> overrides) {
        return wiring(overrides, () -> secrets, () -> dynamo, () -> kms);
    }

    public Wiring wiring(Map<String, String> overrides, Supplier<SecretsManagerClient> secretsManager,
                         Supplier<DynamoDbClient> dynamoDb, Supplier<KmsClient> keys) {
        return wiring(overrides, secretsManager, dynamoDb, keys, Wiring.Listener.none());
    }

    /** A wiring whose builds {@code listener} hears of, as a deployed function's cold-start machinery does. */
    public Wiring wiring(Map<String, String> overrides, Supplier<SecretsManagerClient> secretsManager,
                         Supplier<DynamoDbClient> dynamoDb, Supplier<KmsClient> keys, Wiring.Listener listener) {
        Map<String, String> env = environment();
        env.putAll(overrides);
        Settings settings = new Settings(env);
        return new Wiring(settings, Wiring.Backends.aws(settings, secretsManager, dynamoDb, keys, () -> lambdaClient),
                listener);
    }

    /** Every record stored for this user. */
    public List<Map<String, AttributeValue>> records(String userId) {
        return dynamo.query(q -> q.tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USER#" + userId)))
                .consistentRead(true)).items();
    }

    /** Time passes for a request that died: every exchange record's lease has run out. */
    public void expireExchangeLeases() {
        for (Map<String, AttributeValue> record : allRecords()) {
            if (record.get("pk").s().startsWith("EXCHANGE#")) {
                dynamo.updateItem(u -> u.tableName(table)
                        .key(Map.of("pk", record.get("pk"), "sk", record.get("sk")))
                        .updateExpression("SET lease_until = :past")
                        .expressionAttributeValues(Map.of(":past", AttributeValue.fromN("1"))));
            }
        }
    }

    /** Empties the table (for the benchmark, between invocations it does not time). */
    public void deleteAllRecords() {
        for (Map<String, AttributeValue> record : allRecords()) {
            dynamo.deleteItem(d -> d.tableName(table).key(Map.of("pk", record.get("pk"), "sk", record.get("sk"))));
        }
    }

    /** Every record in the table, whoever it belongs to. */
    public List<Map<String, AttributeValue>> allRecords() {
        return dynamo.scan(s -> s.tableName(table).consistentRead(true)).items();
    }

    public String decrypt(SdkBytes ciphertext, Map<String, String> context) {
        return kms.decrypt(d -> d.keyId(keyArn).ciphertextBlob(ciphertext).encryptionContext(context))
                .plaintext().asUtf8String();
    }

    @Override
    public void close() {
        lambdaClient.close();
        lambda.close();
        knot.close();
        plaid.close();
        dynamo.close();
        kms.close();
        secrets.close();
    }
}
