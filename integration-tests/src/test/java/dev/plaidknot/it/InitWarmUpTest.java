package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.DeleteItemHandler;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.handler.KnotSessionHandler;
import dev.plaidknot.handler.ListItemsHandler;
import dev.plaidknot.handler.PlaidWebhookHandler;
import dev.plaidknot.handler.SandboxPublicTokenHandler;
import dev.plaidknot.startup.BuiltResources;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.LogCapture;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * An on-demand init's warm-up, with real clients on the emulators: the keys fetched, the Plaid
 * client's operations resolved and a connection opened to Plaid and Knot on a background thread
 * before the first request, without an API call or a write; nothing of it at a SnapStart init; a
 * failure left for the first request to report.
 */
class InitWarmUpTest {

    private static final Duration BOUND = Duration.ofSeconds(20);

    /** What {@link #countingWiring} counts (a fresh test instance, so fresh counters, per test). */
    private final AtomicInteger secretFetches = new AtomicInteger();
    private final AtomicInteger otherAwsCalls = new AtomicInteger();
    private final AtomicInteger secretsClientsBuilt = new AtomicInteger();

    private static Map<String, String> startedAs(String initializationType) {
        return Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", initializationType, "SECRET_CACHE_SECONDS", "3600");
    }

    @Test
    void on_demand_init_fetches_the_key_and_opens_a_connection_and_the_first_request_uses_the_key() throws Exception {
        try (TestRig rig = new TestRig()) {
            BuiltResources resources = new BuiltResources("on-demand");
            Wiring wiring = countingWiring(rig, startedAs("on-demand"), resources);

            var handler = new CreateLinkTokenHandler(wiring);

            assertThat(resources.awaitInitWarmUp(BOUND)).isTrue();
            assertThat(secretFetches).as("the Plaid key, fetched during init").hasValue(1);
            assertThat(otherAwsCalls).hasValue(0);
            // One request to Plaid's root (the connection), no API call, no keys.
            assertThat(rig.plaid.callCounts()).isEqualTo(Map.of("/", 1));
            assertThat(rig.plaid.received("/")).singleElement().satisfies(request -> assertThat(request.body()).isNull());

            assertThat(call(handler).getStatusCode()).isEqualTo(200);
            assertThat(secretFetches).as("the first request used the key fetched at init").hasValue(1);
            assertThat(rig.plaid.calls("/link/token/create")).isEqualTo(1);
        }
    }

    @Test
    void on_demand_init_of_every_function_calls_no_api_and_writes_nothing() throws Exception {
        try (TestRig rig = new TestRig()) {
            // One wiring per function, as each runs in its own environment.
            for (var build : java.util.List.<java.util.function.Function<Wiring, ?>>of(ExchangePublicTokenHandler::new,
                    ListItemsHandler::new, DeleteItemHandler::new, PlaidWebhookHandler::new,
                    SandboxPublicTokenHandler::new, KnotSessionHandler::new)) {
                BuiltResources resources = new BuiltResources("on-demand");
                Wiring wiring = countingWiring(rig, startedAs("on-demand"), resources);
                build.apply(wiring);
                assertThat(resources.awaitInitWarmUp(BOUND)).isTrue();
            }

            // Plaid's key for the four functions that call Plaid, Knot's for the Knot session (the item list holds
            // none); no DynamoDB or KMS call.
            assertThat(secretFetches).hasValue(5);
            assertThat(otherAwsCalls).hasValue(0);
            assertThat(rig.plaid.callCounts()).isEqualTo(Map.of("/", 4));
            assertThat(rig.knot.calls()).isEqualTo(1);
            assertThat(rig.allRecords()).isEmpty();
        }
    }

    @Test
    void snap_start_init_builds_the_secrets_client_but_fetches_no_key_and_calls_nothing_before_the_snapshot()
            throws Exception {
        try (TestRig rig = new TestRig()) {
            BuiltResources resources = new BuiltResources("snap-start");
            Wiring wiring = countingWiring(rig, startedAs("snap-start"), resources);

            new ExchangePublicTokenHandler(wiring);
            new CreateLinkTokenHandler(wiring);
            new KnotSessionHandler(wiring);

            assertThat(resources.awaitInitWarmUp(BOUND)).isTrue();
            // Built with the gateways, so the snapshot holds it and the restore hook only fetches.
            assertThat(secretsClientsBuilt).hasValue(1);
            assertThat(secretFetches).as("a snapshot holds no key").hasValue(0);
            assertThat(otherAwsCalls).hasValue(0);
            assertThat(rig.plaid.callCounts()).isEmpty();
            assertThat(rig.knot.calls()).isZero();
        }
    }

    @Test
    void a_key_fetch_failing_at_init_is_the_first_requests_to_report_and_the_next_request_fetches_again() throws Exception {
        try (TestRig rig = new TestRig(); LogCapture logs = new LogCapture()) {
            AtomicBoolean secretsManagerDown = new AtomicBoolean(true);
            Map<String, String> settings = new HashMap<>(startedAs("on-demand"));
            BuiltResources resources = new BuiltResources("on-demand");
            Wiring wiring = rig.wiring(settings,
                    () -> AwsFaults.secretsManager(rig.aws, request -> secretsManagerDown.get(), AwsFaults::connectionRefused),
                    () -> rig.dynamo, () -> rig.kms, resources);

            var handler = new CreateLinkTokenHandler(wiring);
            assertThat(resources.awaitInitWarmUp(BOUND)).as("a failing step ends the warm-up, never init").isTrue();

            APIGatewayV2HTTPResponse failed = call(handler);
            assertThat(failed.getStatusCode()).isEqualTo(503);
            assertThat(json(failed).path("error").path("code").asText()).isEqualTo("DEPENDENCY_UNAVAILABLE");
            assertThat(rig.plaid.calls("/link/token/create")).isZero();

            secretsManagerDown.set(false);
            assertThat(call(handler).getStatusCode()).isEqualTo(200);

            assertThat(logs.text()).contains("secret not fetched at init").doesNotContain(rig.plaidSecret)
                    .doesNotContain(TestRig.CLIENT_ID).doesNotContain("Connection refused");
        }
    }

    /** Real clients on the emulator, counting Secrets Manager clients built, key fetches, and every other AWS call. */
    private Wiring countingWiring(TestRig rig, Map<String, String> settings, BuiltResources resources) {
        return rig.wiring(settings, () -> {
            secretsClientsBuilt.incrementAndGet();
            return rig.aws.client(SecretsManagerClient.builder(), true, AwsFaults.countingCalls(secretFetches));
        }, () -> rig.aws.client(DynamoDbClient.builder(), true, AwsFaults.countingCalls(otherAwsCalls)),
                () -> rig.aws.client(KmsClient.builder(), true, AwsFaults.countingCalls(otherAwsCalls)), resources);
    }

    private static APIGatewayV2HTTPResponse call(CreateLinkTokenHandler handler) {
        return handler.handleRequest(ApiEvents.from("warm-up-user", "POST /create_link_token", null), new LambdaContext());
    }
}
