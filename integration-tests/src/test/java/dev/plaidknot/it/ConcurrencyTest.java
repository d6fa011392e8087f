package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Link's front end retries, and users double-click: many exchanges at once, on loopback only,
 * bounded in count and time. Prints what happened.
 */
class ConcurrencyTest extends WithRig {

    private static final int REQUESTS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ExchangePublicTokenHandler exchange;

    @BeforeAll
    static void handler() {
        exchange = new ExchangePublicTokenHandler(rig.wiring());
    }

    private record Outcome(List<APIGatewayV2HTTPResponse> responses, long millis) {
        Map<Integer, Long> statuses() {
            Map<Integer, Long> counts = new TreeMap<>();
            responses.forEach(r -> counts.merge(r.getStatusCode(), 1L, Long::sum));
            return counts;
        }
    }

    /** Starts every request together and waits for all, with a hard limit. */
    private static Outcome concurrently(String user, IntFunction<String> publicToken) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<APIGatewayV2HTTPResponse>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String body = "{\"public_token\":\"" + publicToken.apply(i) + "\"}";
                futures.add(pool.submit(() -> {
                    start.await();
                    return exchange.handleRequest(ApiEvents.from(user, "POST /exchange_public_token", body),
                            new LambdaContext());
                }));
            }
            long started = System.nanoTime();
            start.countDown();
            List<APIGatewayV2HTTPResponse> responses = new ArrayList<>();
            for (Future<APIGatewayV2HTTPResponse> future : futures) {
                responses.add(future.get(60, TimeUnit.SECONDS));
            }
            return new Outcome(responses, (System.nanoTime() - started) / 1_000_000);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long items(String user) {
        return rig.records(user).stream().filter(r -> r.get("sk").s().matches("ITEM#[^#]+")).count();
    }

    @Test
    void fifty_concurrent_exchanges_of_one_token_make_one_exchange_and_one_item() throws Exception {
        String user = "same-token";
        String publicToken = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        int exchangesBefore = rig.plaid.calls("/item/public_token/exchange");

        Outcome outcome = concurrently(user, i -> publicToken);

        int exchanges = rig.plaid.calls("/item/public_token/exchange") - exchangesBefore;
        List<String> itemIds = outcome.responses().stream()
                .map(r -> read(r.getBody()).path("item_id").asText()).distinct().toList();
        System.out.printf("%nConcurrency: %d concurrent exchanges of ONE public token in %d ms: statuses %s,"
                + " Plaid exchanges %d, items stored %d, distinct item ids answered %d%n",
                REQUESTS, outcome.millis(), outcome.statuses(), exchanges, items(user), itemIds.size());
        assertThat(outcome.statuses()).containsOnlyKeys(201);
        assertThat(exchanges).isEqualTo(1);
        assertThat(items(user)).isEqualTo(1);
        assertThat(itemIds).hasSize(1);
    }

    @Test
    void fifty_concurrent_exchanges_of_different_tokens_make_fifty_items() throws Exception {
        String user = "many-tokens";
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            tokens.add(rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK));
        }

        Outcome outcome = concurrently(user, tokens::get);

        long distinct = outcome.responses().stream().map(r -> read(r.getBody()).path("item_id").asText()).distinct().count();
        System.out.printf("Concurrency: %d concurrent exchanges of DIFFERENT public tokens, one user, in %d ms:"
                + " statuses %s, items stored %d, distinct item ids answered %d%n",
                REQUESTS, outcome.millis(), outcome.statuses(), items(user), distinct);
        assertThat(outcome.statuses()).containsOnlyKeys(201);
        assertThat(items(user)).isEqualTo(REQUESTS);
        assertThat(distinct).isEqualTo(REQUESTS);
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }
}
