package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.DeleteItemHandler;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.handler.KnotSessionHandler;
import dev.plaidknot.handler.ListItemsHandler;
import dev.plaidknot.handler.PlaidWebhookHandler;
import dev.plaidknot.handler.SandboxPublicTokenHandler;
import dev.plaidknot.startup.BuiltResources;
import dev.plaidknot.startup.PrimingWalk;
import dev.plaidknot.startup.SnapStartHooks;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * SnapStart's hooks: priming walks the code without a single call to Plaid, Knot or AWS (its
 * loopback stand-in answers instead) and writes nothing; a restore re-fetches the keys and
 * opens a connection to each upstream without calling its API.
 */
class SnapStartPrimingTest {

    @Test
    void priming_makes_no_call_to_plaid_knot_or_aws_and_restore_refetches_the_keys() throws Exception {
        try (TestRig rig = new TestRig()) {
            AtomicInteger awsCalls = new AtomicInteger();
            AtomicInteger secretFetches = new AtomicInteger();
            BuiltResources resources = new BuiltResources(null);
            Wiring wiring = rig.wiring(Map.of("SECRET_CACHE_SECONDS", "3600"),
                    () -> rig.aws.client(SecretsManagerClient.builder(), true, AwsFaults.countingCalls(awsCalls),
                            AwsFaults.countingCalls(secretFetches)),
                    () -> rig.aws.client(DynamoDbClient.builder(), true, AwsFaults.countingCalls(awsCalls)),
                    () -> rig.aws.client(KmsClient.builder(), true, AwsFaults.countingCalls(awsCalls)), resources);
            // What Lambda's init does before the snapshot: every handler built, then the hooks.
            var exchange = new ExchangePublicTokenHandler(wiring);
            new CreateLinkTokenHandler(wiring);
            new ListItemsHandler(wiring);
            new DeleteItemHandler(wiring);
            new PlaidWebhookHandler(wiring);
            new SandboxPublicTokenHandler(wiring);
            new KnotSessionHandler(wiring);
            int plaidCalls = rig.plaid.callCounts().values().stream().mapToInt(Integer::intValue).sum();
            int knotCalls = rig.knot.calls();
            int records = rig.allRecords().size();

            SnapStartHooks priming = new SnapStartHooks(wiring, resources, null);
            priming.beforeCheckpoint(null);
            PrimingWalk.PrimingReport report = new PrimingWalk(wiring).prime();

            assertThat(report.unexpected()).isEmpty();
            assertThat(awsCalls).as("AWS calls while priming").hasValue(0);
            assertThat(rig.plaid.callCounts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(plaidCalls);
            assertThat(rig.knot.calls()).isEqualTo(knotCalls);
            assertThat(rig.allRecords()).hasSize(records);

            assertThat(exchange.handleRequest(ApiEvents.from("primed", "POST /exchange_public_token",
                    "{\"public_token\":\"" + rig.plaid.createPublicToken("ins_109508") + "\"}"), new LambdaContext())
                    .getStatusCode()).isEqualTo(201);
            assertThat(secretFetches).hasValue(1);

            Map<String, Integer> plaidBeforeRestore = rig.plaid.callCounts();
            int knotBeforeRestore = rig.knot.calls();
            priming.afterRestore(null);
            // This wiring built both gateways (every handler at once), so both keys are fetched again.
            assertThat(secretFetches).as("the keys cached before the snapshot are fetched again, in the hook").hasValue(3);
            // A connection to each upstream is opened: one request to the host's root, no API call, no keys.
            // (The Plaid client's operations were resolved before the snapshot, sending nothing: above.)
            Map<String, Integer> plaidAfterRestore = new java.util.HashMap<>(rig.plaid.callCounts());
            assertThat(plaidAfterRestore.remove("/")).isEqualTo(1);
            assertThat(plaidAfterRestore).isEqualTo(plaidBeforeRestore);
            assertThat(rig.plaid.received("/")).singleElement().satisfies(request -> assertThat(request.body()).isNull());
            assertThat(rig.knot.calls()).isEqualTo(knotBeforeRestore + 1);
            assertThat(exchange.handleRequest(ApiEvents.from("primed", "POST /exchange_public_token",
                    "{\"public_token\":\"" + rig.plaid.createPublicToken("ins_109508") + "\"}"), new LambdaContext())
                    .getStatusCode()).isEqualTo(201);
            assertThat(secretFetches).as("the first request after restore uses the key fetched then").hasValue(3);
        }
    }
}
