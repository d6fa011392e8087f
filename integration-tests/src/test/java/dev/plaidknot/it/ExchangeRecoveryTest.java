package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidError;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * An exchange interrupted part-way (a dependency failing between accounts, a write whose answer
 * was lost, a slow Plaid, a crash after the item is stored, a record gone from under it) ends with
 * every selected account linked or honestly failed, and nothing stored twice or left live at Plaid.
 */
class ExchangeRecoveryTest extends WithRig {

    private static final String EXCHANGE = "POST /exchange_public_token";

    private static APIGatewayV2HTTPResponse exchange(Wiring wiring, String user, String publicToken,
                                                     LambdaContext context) {
        return new ExchangePublicTokenHandler(wiring).handleRequest(
                ApiEvents.from(user, EXCHANGE, "{\"public_token\":\"" + publicToken + "\"}"), context);
    }

    private static APIGatewayV2HTTPResponse exchange(Wiring wiring, String user, String publicToken) {
        return exchange(wiring, user, publicToken, new LambdaContext());
    }

    private static String freshToken() {
        return rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
    }

    private static List<Map<String, AttributeValue>> accountRecords(String user) {
        return rig.records(user).stream().filter(r -> "account".equals(r.get("record_type").s())).toList();
    }

    private static List<Map<String, AttributeValue>> exchangeRecords(String user) {
        return rig.allRecords().stream().filter(r -> r.get("pk").s().startsWith("EXCHANGE#"))
                .filter(r -> !r.containsKey("user_id") || user.equals(r.get("user_id").s())).toList();
    }

    /** The first account's processor-token call and both of the gateway's retries of it, whatever order the accounts' calls come in. */
    private static void failFirstAccountsProcessorToken() {
        for (int i = 0; i < 3; i++) {
            rig.plaid.failNextForAccount("/processor/token/create", "Plaid Checking", PlaidError.internalServerError());
        }
    }

    private static boolean isKey(SdkRequest request, String purpose) {
        return request instanceof EncryptRequest encrypt && purpose.equals(encrypt.encryptionContext().get("purpose"));
    }

    @Test
    void a_retry_after_kms_failed_on_the_second_processor_token_links_all_three() throws Exception {
        String user = "resume-kms";
        String token = freshToken();
        AtomicInteger processorEncrypts = new AtomicInteger();
        Wiring failing = rig.wiring(Map.of(), () -> rig.secrets, () -> rig.dynamo, () -> AwsFaults.kms(rig.aws,
                r -> isKey(r, "knot-processor-token") && processorEncrypts.incrementAndGet() == 2,
                AwsFaults::connectionRefused));

        assertThat(exchange(failing, user, token).getStatusCode()).isEqualTo(503);
        // The accounts go at once: every one but the account KMS failed on is stored.
        assertThat(accountRecords(user)).hasSize(2);

        APIGatewayV2HTTPResponse retried = exchange(rig.wiring(), user, token);
        APIGatewayV2HTTPResponse again = exchange(rig.wiring(), user, token);

        assertThat(retried.getStatusCode()).isEqualTo(201);
        assertThat(json(retried).path("accounts")).hasSize(3)
                .allSatisfy(a -> assertThat(a.path("processor_token_status").asText()).isEqualTo("created"));
        assertThat(accountRecords(user)).hasSize(3)
                .allSatisfy(a -> assertThat(a.get("processor_token_status").s()).isEqualTo("created"));
        assertThat(json(again)).isEqualTo(json(retried));
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isPositive();
    }

    /**
     * The accounts go at once, and each fails its own way: Plaid rate-limits the checking account's
     * every try, KMS refuses the savings account's token, and Plaid holds the card's call for a
     * while. The answer waits for the slowest, not for the sum; the dependency failure is the
     * caller's 503; the retry fills exactly the two that did not get a token.
     */
    @Test
    void accounts_failing_in_different_ways_at_once_each_fail_alone_and_a_retry_fills_them() throws Exception {
        String user = "mixed-failures";
        String token = freshToken();
        for (int i = 0; i < 3; i++) {
            rig.plaid.failNextForAccount("/processor/token/create", "Plaid Checking", PlaidError.rateLimited());
        }
        // Within the Plaid call timeout (TestRig's 1.5 s): the call is slow, not abandoned and repeated.
        Duration stall = Duration.ofMillis(1000);
        rig.plaid.stallNextForAccount("/processor/token/create", "Plaid Credit Card", stall);
        Predicate<SdkRequest> savingsToken = r -> isKey(r, "knot-processor-token")
                && "Plaid Saving".equals(accountName(((EncryptRequest) r).encryptionContext().get("account_id")));
        Wiring failing = rig.wiring(Map.of(), () -> rig.secrets, () -> rig.dynamo,
                () -> AwsFaults.kms(rig.aws, savingsToken, AwsFaults::connectionRefused));

        long started = System.nanoTime();
        APIGatewayV2HTTPResponse first = exchange(failing, user, token);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(first.getStatusCode()).as(first.getBody()).isEqualTo(503);
        assertThat(json(first).path("error").path("code").asText()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        // Each account's outcome is its own: the card's token is stored, the checking account's failure recorded,
        // the savings account (no token could be kept) has no record.
        Map<String, String> statuses = new java.util.HashMap<>();
        accountRecords(user).forEach(r -> statuses.put(r.get("name").s(), r.get("processor_token_status").s()));
        assertThat(statuses).isEqualTo(Map.of("Plaid Checking", "failed", "Plaid Credit Card", "created"));
        System.out.printf("%nMixed failures at once: first answer %d after %d ms (the card's call held %d ms)%n",
                first.getStatusCode(), took.toMillis(), stall.toMillis());

        APIGatewayV2HTTPResponse retried = exchange(rig.wiring(), user, token);

        assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(201);
        assertThat(json(retried).path("accounts")).hasSize(3)
                .allSatisfy(a -> assertThat(a.path("processor_token_status").asText()).isEqualTo("created"));
        PlaidSimulator.Item item = rig.plaid.item(json(retried).path("item_id").asText()).orElseThrow();
        // One token per account, but for the savings account: Plaid made one in the first request that KMS
        // would not let us keep, and the retry made another.
        Map<String, Integer> tokensMade = new java.util.HashMap<>();
        item.accounts.forEach(a -> tokensMade.put(a.name(), item.processorTokensByAccount.get(a.accountId()).size()));
        assertThat(tokensMade).isEqualTo(Map.of("Plaid Checking", 1, "Plaid Saving", 2, "Plaid Credit Card", 1));
        assertThat(rig.plaid.calls("/item/public_token/exchange")).isPositive();
        assertThat(rig.plaid.activeItems()).filteredOn(i -> i.itemId.equals(item.itemId)).hasSize(1);
    }

    /** The name the simulator's newest item gives the account with this id. */
    private static String accountName(String accountId) {
        return rig.plaid.lastExchangedItem().accounts.stream().filter(a -> a.accountId().equals(accountId))
                .map(PlaidSimulator.Account::name).findFirst().orElse("");
    }

    @Test
    void a_claim_whose_answer_was_lost_is_still_this_requests() throws Exception {
        String user = "lost-claim";
        DynamoDbClient losing = AwsFaults.dynamoLosingFirstAnswer(rig.dynamo,
                r -> r instanceof PutItemRequest put && put.item().get("pk").s().startsWith("EXCHANGE#"));
        Wiring wiring = rig.wiring(Map.of(), () -> rig.secrets, () -> losing, () -> rig.kms);

        APIGatewayV2HTTPResponse response = exchange(wiring, user, freshToken(), new LambdaContext(Duration.ofSeconds(20)));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        assertThat(accountRecords(user)).hasSize(3);
    }

    @Test
    void an_item_write_whose_answer_was_lost_keeps_the_item_live_and_stored() throws Exception {
        String user = "lost-item-write";
        DynamoDbClient losing = AwsFaults.dynamoLosingFirstAnswer(rig.dynamo, AwsFaults.ITEM_WRITE);
        Wiring wiring = rig.wiring(Map.of(), () -> rig.secrets, () -> losing, () -> rig.kms);

        APIGatewayV2HTTPResponse response = exchange(wiring, user, freshToken());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        String itemId = json(response).path("item_id").asText();
        assertThat(rig.plaid.item(itemId).orElseThrow().removed()).isFalse();
        assertThat(accountRecords(user)).hasSize(3);
    }

    @Test
    void a_slow_exchange_still_leaves_time_to_remove_an_item_it_cannot_store() throws Exception {
        String user = "slow-exchange";
        // Plaid answers after 3 s; KMS then holds the access token's encryption for 12 s. The
        // function's 14 s must cover the exchange, the failed store and the removal at Plaid.
        rig.plaid.stallNext("/item/public_token/exchange", Duration.ofSeconds(3));
        KmsClient stalling = rig.aws.client(KmsClient.builder(), false,
                AwsFaults.stalling(r -> isKey(r, "plaid-access-token"), Duration.ofSeconds(12)));
        // The deployed bound on each store call.
        Wiring wiring = rig.wiring(Map.of("STORE_CALL_TIMEOUT_MS", "3000"), () -> rig.secrets, () -> rig.dynamo,
                () -> stalling);
        LambdaContext context = new LambdaContext(Duration.ofSeconds(14));

        APIGatewayV2HTTPResponse response = exchange(wiring, user, freshToken(), context);

        assertThat(context.getRemainingTimeInMillis()).as("answered before Lambda stopped the function").isPositive();
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(rig.plaid.lastExchangedItem().removed()).isTrue();
        assertThat(rig.records(user)).isEmpty();
    }

    @Test
    void a_crash_right_after_the_item_is_stored_leaves_a_retry_that_links_every_account() throws Exception {
        String user = "crash-after-item";
        String token = freshToken();
        // The function dies on its first AWS call after the item's write, whichever that is.
        ExecutionInterceptor crashAfterItem = AwsFaults.crashOnTheCallAfter(AwsFaults.ITEM_WRITE);
        DynamoDbClient dynamo = rig.aws.client(DynamoDbClient.builder(), false, crashAfterItem);
        KmsClient kms = rig.aws.client(KmsClient.builder(), false, crashAfterItem);
        boolean died = false;
        try {
            exchange(rig.wiring(Map.of(), () -> rig.secrets, () -> dynamo, () -> kms), user, token);
        } catch (Error dead) {
            died = true; // what the dead function left behind is what matters
        }
        assertThat(died).isTrue();
        rig.expireExchangeLeases();

        APIGatewayV2HTTPResponse retried = exchange(rig.wiring(), user, token);

        assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(201);
        assertThat(json(retried).path("accounts")).hasSize(3);
        assertThat(rig.records(user).stream().filter(r -> "item".equals(r.get("record_type").s()))).hasSize(1);
        assertThat(accountRecords(user)).hasSize(3);
    }

    @Test
    void an_exchange_record_gone_before_completion_is_not_written_back_half_made() throws Exception {
        String user = "record-gone";
        String token = freshToken();
        AtomicBoolean deleted = new AtomicBoolean();
        // The record expires (TTL) or is released just before the exchange records its result.
        ExecutionInterceptor expireBeforeResult = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UpdateItemRequest update
                        && update.key().get("pk").s().startsWith("EXCHANGE#")
                        && update.updateExpression().contains("#result") && deleted.compareAndSet(false, true)) {
                    rig.dynamo.deleteItem(d -> d.tableName(rig.table).key(update.key()));
                }
            }
        };
        DynamoDbClient dynamo = rig.aws.client(DynamoDbClient.builder(), true, expireBeforeResult);

        APIGatewayV2HTTPResponse first = exchange(rig.wiring(Map.of(), () -> rig.secrets, () -> dynamo, () -> rig.kms),
                user, token);
        APIGatewayV2HTTPResponse retried = exchange(rig.wiring(), user, token);

        assertThat(first.getStatusCode()).isEqualTo(201);
        assertThat(deleted).isTrue();
        assertThat(exchangeRecords(user)).allSatisfy(r -> assertThat(r).containsKey("user_id"));
        assertThat(retried.getStatusCode()).as(retried.getBody()).isBetween(400, 499);
    }

    @Test
    void concurrent_retries_fill_a_failed_processor_token_once() throws Exception {
        String user = "fill-once";
        String token = freshToken();
        failFirstAccountsProcessorToken();
        Wiring wiring = rig.wiring();
        APIGatewayV2HTTPResponse first = exchange(wiring, user, token);
        assertThat(json(first).path("accounts").get(0).path("processor_token_status").asText()).isEqualTo("failed");
        String itemId = json(first).path("item_id").asText();
        String failedAccount = json(first).path("accounts").get(0).path("account_id").asText();

        // The first fill's Plaid call is held, so the second retry arrives while it is under way.
        rig.plaid.stallNext("/processor/token/create", Duration.ofMillis(800));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<APIGatewayV2HTTPResponse>> retries = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                retries.add(CompletableFuture.supplyAsync(() -> exchange(wiring, user, token), pool));
            }
            for (CompletableFuture<APIGatewayV2HTTPResponse> retry : retries) {
                APIGatewayV2HTTPResponse response = retry.get(20, TimeUnit.SECONDS);
                assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
                assertThat(json(response).path("accounts"))
                        .allSatisfy(a -> assertThat(a.path("processor_token_status").asText()).isEqualTo("created"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rig.plaid.item(itemId).orElseThrow().processorTokensByAccount.get(failedAccount)).hasSize(1);
    }

    @Test
    void a_retry_leaves_an_account_the_cardholder_revoked_alone() throws Exception {
        String user = "revoked-refill";
        String token = freshToken();
        failFirstAccountsProcessorToken();
        APIGatewayV2HTTPResponse first = exchange(rig.wiring(), user, token);
        String itemId = json(first).path("item_id").asText();
        String revoked = json(first).path("accounts").get(0).path("account_id").asText();
        rig.dynamo.updateItem(u -> u.tableName(rig.table)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + user),
                        "sk", AttributeValue.fromS("ITEM#" + itemId + "#ACCOUNT#" + revoked)))
                .updateExpression("SET #s = :revoked")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":revoked", AttributeValue.fromS("revoked"))));

        APIGatewayV2HTTPResponse retried = exchange(rig.wiring(), user, token);

        assertThat(retried.getStatusCode()).isEqualTo(201);
        Map<String, AttributeValue> account = accountRecords(user).stream()
                .filter(a -> revoked.equals(a.get("account_id").s())).findFirst().orElseThrow();
        assertThat(account.get("status").s()).isEqualTo("revoked");
        assertThat(account).doesNotContainKey("processor_token_ciphertext");
        assertThat(rig.plaid.item(itemId).orElseThrow().processorTokensByAccount.getOrDefault(revoked, List.of())).isEmpty();
    }

    @Test
    void the_exchange_lease_lasts_as_long_as_the_function_may_run() throws Exception {
        String user = "lease-length";
        AtomicLong leaseUntil = new AtomicLong();
        Predicate<SdkRequest> claim = r -> r instanceof PutItemRequest put && put.item().get("pk").s().startsWith("EXCHANGE#");
        ExecutionInterceptor seeClaim = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (claim.test(context.request())) {
                    leaseUntil.set(Long.parseLong(((PutItemRequest) context.request()).item().get("lease_until").n()));
                }
            }
        };
        DynamoDbClient dynamo = rig.aws.client(DynamoDbClient.builder(), true, seeClaim);
        Instant started = Instant.now();

        APIGatewayV2HTTPResponse response = exchange(rig.wiring(Map.of(), () -> rig.secrets, () -> dynamo, () -> rig.kms),
                user, freshToken(), new LambdaContext(Duration.ofSeconds(60)));

        assertThat(response.getStatusCode()).isEqualTo(201);
        // A function given 60 s may still be working at 59 s: no retry may take over before then.
        assertThat(Instant.ofEpochMilli(leaseUntil.get())).isAfter(started.plusSeconds(60));
    }
}
