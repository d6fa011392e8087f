package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.Wiring;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidError;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.AwsEmulator;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.LogCapture;
import dev.plaidknot.support.LogLines;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import dev.plaidknot.vault.EncryptionContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * Every fault the exchange can meet, injected into the real flow: what the caller sees, that no
 * token leaks into the answer or the logs, and that what is stored stays consistent: no item at
 * Plaid without its stored access token (an orphan), no stored record that does not add up.
 * Ends by printing the table.
 */
class FaultTableTest extends WithRig {

    private static final List<String> ROWS = new ArrayList<>();

    @AfterAll
    static void printTable() {
        System.out.println();
        System.out.println("Fault injection: POST /exchange_public_token");
        System.out.printf("%-52s %-16s %-15s %-20s%n", "fault", "caller status", "items orphaned", "records inconsistent");
        ROWS.forEach(System.out::println);
    }

    /** @param retried null, or what happens before the caller retries (on a healthy wiring) */
    private record Fault(String name, Consumer<PlaidSimulator> plaidFault, Function<TestRig, Wiring> wiring,
                         Set<Integer> expectedStatuses, Consumer<TestRig> retried) {
    }

    private static Fault plaid(String name, Consumer<PlaidSimulator> fault, int... statuses) {
        return new Fault(name, fault, TestRig::wiring, statuses(statuses), null);
    }

    private static Fault aws(String name, Function<TestRig, Wiring> wiring, int... statuses) {
        return new Fault(name, p -> { }, wiring, statuses(statuses), null);
    }

    /** A fault, then the caller's retry once the dependency is back: the retry must link every account. */
    private static Fault thenRetried(String name, Function<TestRig, Wiring> wiring, Consumer<TestRig> beforeRetry,
                                     int... statuses) {
        return new Fault(name, p -> { }, wiring, statuses(statuses), beforeRetry);
    }

    private static Wiring crashingAfterTheItem(TestRig r) {
        ExecutionInterceptor crash = AwsFaults.crashOnTheCallAfter(AwsFaults.ITEM_WRITE);
        return r.wiring(Map.of(), () -> r.secrets, () -> r.aws.client(DynamoDbClient.builder(), false, crash),
                () -> r.aws.client(KmsClient.builder(), false, crash));
    }

    private static Wiring failingTheSecondProcessorToken(TestRig r) {
        AtomicInteger encrypts = new AtomicInteger();
        return r.wiring(Map.of(), () -> r.secrets, () -> r.dynamo, () -> AwsFaults.kms(r.aws,
                q -> q instanceof EncryptRequest e && "knot-processor-token".equals(e.encryptionContext().get("purpose"))
                        && encrypts.incrementAndGet() == 2, AwsFaults::connectionRefused));
    }

    private static Wiring failingTheSavingsProcessorToken(TestRig r) {
        return r.wiring(Map.of(), () -> r.secrets, () -> r.dynamo, () -> AwsFaults.kms(r.aws,
                q -> q instanceof EncryptRequest e && "knot-processor-token".equals(e.encryptionContext().get("purpose"))
                        && r.plaid.lastExchangedItem().accounts.stream().anyMatch(a -> a.name().equals("Plaid Saving")
                        && a.accountId().equals(e.encryptionContext().get("account_id"))), AwsFaults::connectionRefused));
    }

    private static Set<Integer> statuses(int... statuses) {
        return java.util.Arrays.stream(statuses).boxed().collect(Collectors.toSet());
    }

    private static void times(int n, Runnable fault) {
        for (int i = 0; i < n; i++) {
            fault.run();
        }
    }

    static Stream<Fault> faults() {
        String exchange = "/item/public_token/exchange";
        return Stream.of(
                plaid("Plaid 429 on the exchange", p -> p.failNext(exchange, PlaidError.rateLimited()), 429),
                plaid("Plaid 500 on the exchange", p -> p.failNext(exchange, PlaidError.internalServerError()), 502),
                plaid("Plaid 503 on the exchange", p -> p.failNext(exchange, PlaidError.plannedMaintenance()), 502),
                plaid("Plaid resets the connection on the exchange", p -> p.resetNext(exchange), 502),
                plaid("Plaid stalls the exchange past PLAID_TIMEOUT_MS", p -> p.stallNext(exchange, Duration.ofSeconds(3)), 201),
                plaid("Plaid 500, once, on /accounts/get (retried)", p -> p.failNext("/accounts/get", PlaidError.internalServerError()), 201),
                plaid("Plaid stalls /accounts/get on every try", p -> times(3, () -> p.stallNext("/accounts/get", Duration.ofSeconds(10))), 504),
                plaid("Plaid 429 on /accounts/get on every try", p -> times(3, () -> p.failNext("/accounts/get", PlaidError.rateLimited())), 429),
                plaid("Plaid 500 on one processor token, every try", p -> times(3, () -> p.failNext("/processor/token/create", PlaidError.internalServerError())), 201),
                aws("Secrets Manager unavailable", r -> r.wiring(Map.of(), AwsEmulator::unreachableSecretsManager, () -> r.dynamo, () -> r.kms), 503),
                aws("DynamoDB unavailable", r -> r.wiring(Map.of(), () -> r.secrets, AwsEmulator::unreachableDynamo, () -> r.kms), 503),
                aws("DynamoDB throttles the access-token write", r -> r.wiring(Map.of(), () -> r.secrets,
                        () -> AwsFaults.dynamo(r.aws, AwsFaults.ITEM_WRITE, AwsFaults::throttled), () -> r.kms), 503),
                aws("DynamoDB fails the access-token write", r -> r.wiring(Map.of(), () -> r.secrets,
                        () -> AwsFaults.dynamo(r.aws, AwsFaults.ITEM_WRITE, AwsFaults::connectionRefused), () -> r.kms), 503),
                aws("KMS unavailable", r -> r.wiring(Map.of(), () -> r.secrets, () -> r.dynamo, AwsEmulator::unreachableKms), 503),
                aws("KMS fails the access-token encryption", r -> r.wiring(Map.of(), () -> r.secrets, () -> r.dynamo,
                        () -> AwsFaults.kms(r.aws, q -> q instanceof EncryptRequest e
                                && "plaid-access-token".equals(e.encryptionContext().get("purpose")), AwsFaults::connectionRefused)), 503),
                aws("crash between the exchange and the store", r -> r.wiring(Map.of(), () -> r.secrets,
                        () -> AwsFaults.dynamo(r.aws, AwsFaults.ITEM_WRITE, AwsFaults::crash), () -> r.kms), 500),
                aws("DynamoDB loses its answer to the item write", r -> r.wiring(Map.of(), () -> r.secrets,
                        () -> AwsFaults.dynamoLosingFirstAnswer(r.dynamo, AwsFaults.ITEM_WRITE), () -> r.kms), 201),
                thenRetried("KMS fails the 2nd processor token, then a retry", FaultTableTest::failingTheSecondProcessorToken,
                        r -> { }, 503),
                thenRetried("crash right after the item is stored, then a retry", FaultTableTest::crashingAfterTheItem,
                        TestRig::expireExchangeLeases, 500),
                new Fault("three accounts failing at once: Plaid 429 on one every try, KMS on another, a held call on the third; then a retry",
                        p -> {
                            times(3, () -> p.failNextForAccount("/processor/token/create", "Plaid Checking", PlaidError.rateLimited()));
                            p.stallNextForAccount("/processor/token/create", "Plaid Credit Card", Duration.ofMillis(1000));
                        }, FaultTableTest::failingTheSavingsProcessorToken, statuses(503), r -> { }));
    }

    @TestFactory
    Stream<DynamicTest> each_fault_leaves_nothing_orphaned_inconsistent_or_leaked() {
        return faults().map(fault -> DynamicTest.dynamicTest(fault.name(), () -> run(fault)));
    }

    private static void run(Fault fault) {
        String user = "fault-" + Integer.toHexString(fault.name().hashCode());
        String publicToken = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        ExchangePublicTokenHandler handler = new ExchangePublicTokenHandler(fault.wiring().apply(rig));
        fault.plaidFault().accept(rig.plaid);

        int status;
        String body = "";
        String logs;
        try (LogCapture capture = new LogCapture()) {
            try {
                APIGatewayV2HTTPResponse response = handler.handleRequest(ApiEvents.from(user,
                        "POST /exchange_public_token", "{\"public_token\":\"" + publicToken + "\"}"), new LambdaContext());
                status = response.getStatusCode();
                body = response.getBody();
            } catch (Error crash) {
                // Lambda reports an unhandled error; API Gateway answers 500 with its own body.
                status = 500;
            }
            logs = capture.text();
        }
        assertThat(status).as(fault.name()).isIn(fault.expectedStatuses());
        String statuses = Integer.toString(status);
        if (fault.retried() != null) {
            fault.retried().accept(rig);
            APIGatewayV2HTTPResponse retry = new ExchangePublicTokenHandler(rig.wiring()).handleRequest(ApiEvents.from(user,
                    "POST /exchange_public_token", "{\"public_token\":\"" + publicToken + "\"}"), new LambdaContext());
            statuses += " then " + retry.getStatusCode();
            assertThat(retry.getStatusCode()).as(retry.getBody()).isEqualTo(201);
            assertThat(rig.records(user).stream().filter(r -> "account".equals(text(r, "record_type")))
                    .filter(r -> "created".equals(text(r, "processor_token_status")))).as("accounts linked").hasSize(3);
        }
        int orphans = orphans();
        int inconsistent = inconsistentRecords();
        ROWS.add(String.format("%-52s %-16s %-15d %-20d", fault.name(), statuses, orphans, inconsistent));

        assertThat(orphans).as("items orphaned at Plaid").isZero();
        assertThat(inconsistent).as("records inconsistent").isZero();
        // Every line parses as one JSON object, and the request's outcome line carries its context.
        List<JsonNode> lines = LogLines.parse(logs);
        int answered = status;
        if (!fault.name().startsWith("crash")) {
            assertThat(LogLines.requests(lines)).singleElement().satisfies(line -> {
                assertThat(line.path("status").asInt()).isEqualTo(answered);
                assertThat(line.path("route").asText()).isEqualTo("exchange_public_token");
                assertThat(line.path("caller").asText()).isEqualTo(user);
                assertThat(line.path("lambda_request_id").asText()).isNotBlank();
                assertThat(line.path("api_request_id").asText()).isNotBlank();
                assertThat(line.path("duration_ms").isNumber()).isTrue();
            });
        }
        List<String> secrets = new ArrayList<>(rig.plaid.allSecrets());
        secrets.add(publicToken);
        for (String secret : secrets) {
            assertThat(body).as("response").doesNotContain(secret);
            assertThat(logs).as("logs").doesNotContain(secret);
        }
    }

    /** Items Plaid still holds (and bills) whose access token is stored nowhere. */
    private static int orphans() {
        Set<String> stored = rig.allRecords().stream()
                .filter(r -> r.get("sk").s().startsWith("ITEM#") && !r.get("sk").s().contains("#ACCOUNT#"))
                .map(r -> r.get("item_id").s())
                .collect(Collectors.toSet());
        return (int) rig.plaid.activeItems().stream().filter(item -> !stored.contains(item.itemId)).count();
    }

    /**
     * Records that do not add up: an item whose access token is missing or does not decrypt to
     * Plaid's; an account without its item, or marked created without a token; an exchange
     * record pointing at an item that is not stored.
     */
    private static int inconsistentRecords() {
        List<Map<String, AttributeValue>> records = rig.allRecords();
        Map<String, Map<String, AttributeValue>> items = records.stream()
                .filter(r -> "item".equals(text(r, "record_type")))
                .collect(Collectors.toMap(r -> text(r, "item_id"), r -> r));
        int bad = 0;
        for (Map<String, AttributeValue> item : items.values()) {
            String itemId = text(item, "item_id");
            String userId = text(item, "pk").substring("USER#".length());
            AttributeValue ciphertext = item.get("access_token_ciphertext");
            String expected = rig.plaid.item(itemId).map(i -> i.accessToken).orElse(null);
            if (ciphertext == null || expected == null
                    || !expected.equals(rig.decrypt(ciphertext.b(), EncryptionContexts.accessToken(userId, itemId)))) {
                bad++;
            }
        }
        for (Map<String, AttributeValue> record : records) {
            String type = text(record, "record_type");
            if ("account".equals(type)) {
                boolean orphanAccount = !items.containsKey(text(record, "item_id"));
                boolean createdWithoutToken = "created".equals(text(record, "processor_token_status"))
                        && !record.containsKey("processor_token_ciphertext");
                bad += orphanAccount || createdWithoutToken ? 1 : 0;
            } else if ("exchange".equals(type) && record.containsKey("result")) {
                bad += items.containsKey(text(record, "item_id")) ? 0 : 1;
            }
        }
        return bad;
    }

    private static String text(Map<String, AttributeValue> record, String name) {
        AttributeValue value = record.get(name);
        return value == null ? null : value.s();
    }
}
