package dev.plaidknot.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class FanOutTest {

    @Test
    void pieces_run_together_up_to_the_limit_and_results_keep_the_items_order() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // The first three pieces meet here: they can only pass if they run at the same time.
        CountDownLatch together = new CountDownLatch(3);
        List<Integer> items = IntStream.range(0, 10).boxed().toList();

        List<Integer> results = FanOut.each(items, 3, item -> {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            together.countDown();
            try {
                assertThat(together.await(10, TimeUnit.SECONDS)).as("three pieces at once").isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
            return item * 10;
        });

        assertThat(results).isEqualTo(items.stream().map(i -> i * 10).toList());
        assertThat(most).hasValue(3);
    }

    @Test
    void a_failing_piece_does_not_stop_the_others_and_the_first_failure_is_thrown_once_all_ended() {
        AtomicInteger finished = new AtomicInteger();
        assertThatThrownBy(() -> FanOut.each(List.of(1, 2, 3, 4), 4, item -> {
            if (item == 2) {
                throw new DependencyUnavailable("kms", "KMSInternalException", null);
            }
            if (item == 3) {
                throw new IllegalArgumentException("later");
            }
            finished.incrementAndGet();
            return item;
        })).isInstanceOf(DependencyUnavailable.class);
        assertThat(finished).hasValue(2);
    }

    @Test
    void each_piece_sees_the_requests_budget_and_log_context() {
        MDC.put("route", "exchange_public_token");
        try {
            List<String> seen = RequestBudget.keepingBack(Duration.ofSeconds(20), () -> FanOut.each(List.of(1, 2), 2,
                    item -> MDC.get("route") + " " + (RequestBudget.remaining().compareTo(Duration.ofSeconds(10)) < 0)));
            assertThat(seen).containsExactly("exchange_public_token true", "exchange_public_token true");
        } finally {
            MDC.clear();
        }
    }
}
