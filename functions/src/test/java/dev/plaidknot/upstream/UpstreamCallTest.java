package dev.plaidknot.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.plaid.PlaidFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UpstreamCallTest {

    private final AtomicInteger refetches = new AtomicInteger();
    private final UpstreamCall calls = new UpstreamCall("plaid", Duration.ofSeconds(2),
            new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)), refetches::incrementAndGet,
            PlaidFailure::noAnswer);

    @Test
    void a_repeatable_call_that_times_out_is_the_upstreams_timeout_and_is_tried_again() {
        AtomicInteger attempts = new AtomicInteger();
        String answer = calls.call("item/get", true, timeout -> {
            if (attempts.incrementAndGet() < 3) {
                throw new SocketTimeoutException("read timed out");
            }
            return "ok";
        });
        assertThat(answer).isEqualTo("ok");
        assertThat(attempts).hasValue(3);

        assertThatThrownBy(() -> calls.call("item/get", true, timeout -> {
            throw new InterruptedIOException("call timed out");
        })).isInstanceOfSatisfying(PlaidFailure.class, failure -> {
            assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
            assertThat(failure.operation()).isEqualTo("item/get");
        });
    }

    @Test
    void a_call_that_may_not_be_repeated_is_tried_once_with_all_the_time_left() {
        AtomicInteger attempts = new AtomicInteger();
        List<Duration> timeouts = new ArrayList<>();
        assertThatThrownBy(() -> calls.call("item/public_token/exchange", false, timeout -> {
            attempts.incrementAndGet();
            timeouts.add(timeout);
            throw new IOException("connection refused");
        })).isInstanceOfSatisfying(PlaidFailure.class,
                failure -> assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.UNREACHABLE));
        assertThat(attempts).hasValue(1);
        // Longer than one repeatable attempt's timeout: the request's whole remaining budget.
        assertThat(timeouts.getFirst()).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void no_attempt_is_started_without_time_for_one() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> RequestBudget.keepingBack(Duration.ofHours(1),
                () -> calls.call("item/get", true, timeout -> attempts.incrementAndGet())))
                .isInstanceOfSatisfying(PlaidFailure.class,
                        failure -> assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT));
        assertThat(attempts).hasValue(0);
    }

    @Test
    void rejected_keys_are_refetched_once_and_an_expected_refusal_is_the_callers() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.call("webhook_verification_key/get", true,
                failure -> failure.httpStatus() == 400, "unknown_key", timeout -> {
                    attempts.incrementAndGet();
                    throw PlaidFailure.rejected("webhook_verification_key/get", 400, "INVALID_INPUT", "INVALID_API_KEYS",
                            "r", null, null);
                })).isInstanceOf(PlaidFailure.class);
        assertThat(refetches).hasValue(1);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void retry_after_is_read_in_seconds_and_ignored_when_unreadable_or_over_an_hour() {
        assertThat(UpstreamCall.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(UpstreamCall.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(UpstreamCall.retryAfter(null)).isNull();
        assertThat(UpstreamCall.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT")).isNull();
        assertThat(UpstreamCall.retryAfter("7200")).isNull();
        assertThat(UpstreamCall.retryAfter("-1")).isNull();
    }
}
