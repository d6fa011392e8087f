package dev.plaidknot.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.plaid.PlaidFailure;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));
    private final AtomicInteger refetches = new AtomicInteger();

    private static PlaidFailure rejected(int status, String code) {
        return PlaidFailure.rejected("op", status, "X", code, "r", null, null);
    }

    @Test
    void rejected_keys_are_refetched_once_and_the_call_repeated() {
        AtomicInteger calls = new AtomicInteger();
        String answer = retry.run(attempt -> {
            if (calls.incrementAndGet() == 1) {
                throw rejected(400, "INVALID_API_KEYS");
            }
            return "ok";
        }, refetches::incrementAndGet, false);

        assertThat(answer).isEqualTo("ok");
        assertThat(refetches).hasValue(1);

        calls.set(0);
        assertThatThrownBy(() -> retry.run(attempt -> {
            calls.incrementAndGet();
            throw rejected(400, "INVALID_API_KEYS");
        }, refetches::incrementAndGet, true)).isInstanceOf(PlaidFailure.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void transient_failures_of_a_repeatable_call_are_tried_up_to_the_limit() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(attempt -> {
            calls.incrementAndGet();
            throw PlaidFailure.timeout("op");
        }, refetches::incrementAndGet, true)).isInstanceOf(PlaidFailure.class);
        assertThat(calls).hasValue(3);
    }

    @Test
    void a_call_that_may_not_be_repeated_or_a_refusal_is_tried_once() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(attempt -> {
            calls.incrementAndGet();
            throw rejected(500, "INTERNAL_SERVER_ERROR");
        }, refetches::incrementAndGet, false)).isInstanceOf(PlaidFailure.class);
        assertThatThrownBy(() -> retry.run(attempt -> {
            calls.incrementAndGet();
            throw rejected(400, "INVALID_ACCESS_TOKEN");
        }, refetches::incrementAndGet, true)).isInstanceOf(PlaidFailure.class);
        assertThat(calls).hasValue(2);
        assertThat(refetches).hasValue(0);
    }
}
