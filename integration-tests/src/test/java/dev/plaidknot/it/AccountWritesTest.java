package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.Api;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.vault.DynamoTokenVault;
import dev.plaidknot.vault.KmsTokenCipher;
import dev.plaidknot.vault.TokenVault.ProcessorTokenOutcome;
import dev.plaidknot.vault.TokenVault.SealedAccount;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;

/**
 * An exchange's account records go to DynamoDB together, in one transaction, each under its own
 * condition: a refill never writes over a created token or a revoked account, a lost answer is
 * still this request's, and DynamoDB's hundred-action limit is kept.
 */
class AccountWritesTest extends WithRig {

    private static DynamoTokenVault vault(DynamoDbClient dynamo) {
        return new DynamoTokenVault(dynamo, rig.table, new KmsTokenCipher(rig.kms, rig.keyArn, Duration.ofSeconds(5)),
                Clock.systemUTC(), Duration.ofSeconds(5));
    }

    private static BankAccount account(String id) {
        return new BankAccount(id, "Account " + id, "0000", "depository", "checking");
    }

    private static ProcessorTokenOutcome created(String token) {
        return new ProcessorTokenOutcome.Created(token);
    }

    private static List<SdkRequest> accountWrites(List<SdkRequest> requests) {
        return requests.stream().filter(r -> AwsFaults.ACCOUNT_WRITE.test(r)
                || r instanceof PutItemRequest put && put.item().get("sk").s().contains("#ACCOUNT#")).toList();
    }

    @Test
    void an_exchange_of_ten_accounts_writes_their_records_in_one_request() {
        List<SdkRequest> requests = new CopyOnWriteArrayList<>();
        DynamoDbClient recording = rig.aws.client(DynamoDbClient.builder(), true, AwsFaults.recordingCalls(requests));
        Api recorded = new Api(rig.wiring(Map.of(), () -> rig.secrets, () -> recording, () -> rig.kms), rig.plaid);
        String token = "public-sandbox-" + UUID.randomUUID();
        List<String> accountIds = IntStream.range(0, 10).mapToObj(i -> "ten-" + i + "-" + UUID.randomUUID()).toList();
        rig.plaid.acceptPublicToken(token, PlaidSimulator.FIRST_PLATYPUS_BANK, accountIds);

        APIGatewayV2HTTPResponse response = recorded.exchange.handleRequest(dev.plaidknot.testing.ApiEvents.from(
                "ten-accounts", "POST /exchange_public_token", "{\"public_token\":\"" + token + "\"}"), new dev.plaidknot.testing.LambdaContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        assertThat(json(response).path("accounts")).hasSize(10)
                .allSatisfy(a -> assertThat(a.path("processor_token_status").asText()).isEqualTo("created"));
        List<SdkRequest> writes = accountWrites(requests);
        assertThat(writes).hasSize(1);
        assertThat(((TransactWriteItemsRequest) writes.getFirst()).transactItems()).hasSize(10);
    }

    @Test
    void a_refill_writes_over_failed_tokens_only_and_leaves_created_and_revoked_accounts_as_stored() {
        DynamoTokenVault vault = vault(rig.dynamo);
        String user = "refill-" + UUID.randomUUID();
        String item = "item-" + UUID.randomUUID();
        save(vault, user, item, Map.of("created", created("processor-first"), "failed", failed(), "revoked", failed()));
        revoke(user, item, "revoked");

        Map<String, String> stored = save(vault, user, item, Map.of("created", created("processor-second"),
                "failed", created("processor-filled"), "revoked", created("processor-revoked"),
                "new", created("processor-new")));

        assertThat(stored).isEqualTo(Map.of("created", "created", "failed", "created", "revoked", "failed",
                "new", "created"));
        assertThat(vault.processorToken(user, item, "created")).contains("processor-first");
        assertThat(vault.processorToken(user, item, "failed")).contains("processor-filled");
        assertThat(vault.processorToken(user, item, "revoked")).isEmpty();
        assertThat(vault.processorToken(user, item, "new")).contains("processor-new");
        assertThat(vault.account(user, "revoked").orElseThrow().status()).isEqualTo("revoked");
    }

    @Test
    void an_account_write_whose_answer_was_lost_is_still_this_requests() {
        DynamoDbClient losing = AwsFaults.dynamoLosingFirstAnswer(rig.dynamo, AwsFaults.ACCOUNT_WRITE);
        DynamoTokenVault vault = vault(losing);
        String user = "lost-accounts-" + UUID.randomUUID();
        String item = "item-" + UUID.randomUUID();

        Map<String, String> stored = save(vault, user, item, Map.of("a", created("processor-a"), "b", failed()));

        assertThat(stored).isEqualTo(Map.of("a", "created", "b", "failed"));
        assertThat(vault.processorToken(user, item, "a")).contains("processor-a");
    }

    @Test
    void a_transaction_still_in_progress_that_landed_is_this_requests() {
        DynamoDbClient inFlight = AwsFaults.dynamoLandingThenFailing(rig.dynamo, AwsFaults.ACCOUNT_WRITE,
                () -> TransactionInProgressException.builder().message("in progress").build());
        DynamoTokenVault vault = vault(inFlight);
        String user = "in-flight-" + UUID.randomUUID();
        String item = "item-" + UUID.randomUUID();

        Map<String, String> stored = save(vault, user, item, Map.of("a", created("processor-a")));

        assertThat(stored).isEqualTo(Map.of("a", "created"));
        assertThat(vault.processorToken(user, item, "a")).contains("processor-a");
    }

    @Test
    void a_transaction_in_progress_that_did_not_land_is_a_dependency_failure() {
        DynamoTokenVault vault = vault(AwsFaults.dynamo(rig.aws, AwsFaults.ACCOUNT_WRITE,
                () -> TransactionInProgressException.builder().message("in progress").build()));
        String user = "not-landed-" + UUID.randomUUID();

        assertThatThrownBy(() -> save(vault, user, "item-x", Map.of("a", created("processor-a"))))
                .isInstanceOf(DependencyUnavailable.class);
        assertThat(rig.records(user)).isEmpty();
    }

    @Test
    void a_transaction_cancelled_by_a_conflict_writes_nothing_and_is_a_dependency_failure() {
        TransactionCanceledException conflict = TransactionCanceledException.builder()
                .message("Transaction cancelled")
                .cancellationReasons(CancellationReason.builder().code("None").build(),
                        CancellationReason.builder().code("TransactionConflict").build())
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionCanceledException").build())
                .statusCode(400).build();
        DynamoTokenVault vault = vault(AwsFaults.dynamo(rig.aws, AwsFaults.ACCOUNT_WRITE, () -> conflict));
        String user = "conflict-" + UUID.randomUUID();

        assertThatThrownBy(() -> save(vault, user, "item-x", Map.of("a", created("processor-a"), "b", failed())))
                .isInstanceOfSatisfying(DependencyUnavailable.class,
                        e -> assertThat(e.awsErrorCode()).contains("TransactionConflict"));
        assertThat(rig.records(user)).isEmpty();
    }

    @Test
    void more_accounts_than_one_transaction_holds_go_in_several() {
        List<SdkRequest> requests = new CopyOnWriteArrayList<>();
        DynamoTokenVault vault = vault(rig.aws.client(DynamoDbClient.builder(), true, AwsFaults.recordingCalls(requests)));
        String user = "many-" + UUID.randomUUID();
        String item = "item-" + UUID.randomUUID();
        List<SealedAccount> sealed = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            sealed.add(vault.sealAccount(user, item, account("acc-" + i), failed()));
        }

        Map<String, String> stored = vault.saveAccounts(user, item, sealed);

        assertThat(stored).hasSize(130).allSatisfy((id, status) -> assertThat(status).isEqualTo("failed"));
        assertThat(rig.records(user)).hasSize(130);
        assertThat(accountWrites(requests)).map(r -> ((TransactWriteItemsRequest) r).transactItems().size())
                .containsExactly(100, 30);
    }

    private static ProcessorTokenOutcome failed() {
        return new ProcessorTokenOutcome.Failed("INTERNAL_SERVER_ERROR");
    }

    private static Map<String, String> save(DynamoTokenVault vault, String user, String item,
                                            Map<String, ProcessorTokenOutcome> outcomes) {
        List<SealedAccount> sealed = outcomes.entrySet().stream()
                .map(e -> vault.sealAccount(user, item, account(e.getKey()), e.getValue())).toList();
        return vault.saveAccounts(user, item, sealed);
    }

    private static void revoke(String user, String item, String accountId) {
        rig.dynamo.updateItem(u -> u.tableName(rig.table)
                .key(Map.of("pk", AttributeValue.fromS(DynamoTokenVault.userKey(user)),
                        "sk", AttributeValue.fromS(DynamoTokenVault.accountKey(item, accountId))))
                .updateExpression("SET #s = :s")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("revoked"))));
    }
}
