package dev.plaidknot.upstream;

import dev.plaidknot.observability.Telemetry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way this service calls an HTTP upstream (Plaid, Knot): each attempt gets a timeout cut
 * to the request's budget and is not started when too little is left; a transport failure becomes
 * the upstream's own timeout or unreachable failure; rejected keys are refetched once; transient
 * failures of a repeatable call are retried with jittered backoff honouring {@code Retry-After}
 * ({@link RetryPolicy}); and each attempt leaves one log line, the upstream's call and error
 * metrics, its time in the request's {@code upstream_ms} and, with tracing on, a subsegment. An
 * adapter keeps only what is its own: how to send one attempt and how to read the answer.
 */
public final class UpstreamCall {

    /** One attempt of a call, given its whole-call timeout. */
    @FunctionalInterface
    public interface Attempt<T> {
        T send(Duration timeout) throws IOException;
    }

    /** An upstream's own failure for an attempt that got no answer ({@code TIMEOUT} or {@code UNREACHABLE}). */
    @FunctionalInterface
    public interface NoAnswer {
        UpstreamFailure failure(UpstreamFailure.Kind kind, String operation);
    }

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCall.class);

    private final String upstream;
    private final String logMessage;
    private final String callsMetric;
    private final String errorsMetric;
    private final Duration callTimeout;
    private final RetryPolicy retry;
    private final Runnable refetchKeys;
    private final NoAnswer noAnswer;

    /**
     * @param upstream     its name in logs, traces and {@code upstream_ms} ("plaid", "knot"); its metrics are
     *                     named after it ({@code PlaidCalls}, {@code PlaidErrors} by {@code ErrorCode})
     * @param callTimeout  the longest one attempt of a repeatable call may take
     * @param refetchKeys  what to do when the upstream refuses the keys: the next attempt fetches them again
     */
    public UpstreamCall(String upstream, Duration callTimeout, RetryPolicy retry, Runnable refetchKeys,
                        NoAnswer noAnswer) {
        this.upstream = upstream;
        // String.concat, not +: a first string concatenation links a call site, and none is left on a cold start's path.
        String named = String.valueOf(Character.toUpperCase(upstream.charAt(0))).concat(upstream.substring(1));
        this.logMessage = upstream.concat(" call");
        this.callsMetric = named.concat("Calls");
        this.errorsMetric = named.concat("Errors");
        this.callTimeout = callTimeout;
        this.retry = retry;
        this.refetchKeys = refetchKeys;
        this.noAnswer = noAnswer;
    }

    /**
     * Makes the call. A repeatable one gets {@code callTimeout} per attempt and is tried again on a
     * transient failure while the budget allows; one that may not be repeated (Plaid's exchange,
     * which may have happened when no answer came) is tried once with all the time the request has
     * left, since giving up early on it could strand what the upstream did.
     */
    public <T> T call(String operation, boolean repeatable, Attempt<T> attempt) {
        return retry.run(attemptNumber -> attempt(operation, repeatable, attemptNumber, attempt, null, null),
                refetchKeys, repeatable);
    }

    /**
     * As {@link #call(String, boolean, Attempt)}, where a failure that {@code expected} matches is
     * an answer the caller handles (a webhook naming a key the upstream never issued), logged with
     * {@code outcome} and not counted as the upstream's error.
     */
    public <T> T call(String operation, boolean repeatable, Predicate<UpstreamFailure> expected, String outcome,
                      Attempt<T> attempt) {
        return retry.run(attemptNumber -> attempt(operation, repeatable, attemptNumber, attempt, expected, outcome),
                refetchKeys, repeatable);
    }

    /** One attempt, observed whatever its outcome. */
    private <T> T attempt(String operation, boolean repeatable, int attemptNumber, Attempt<T> attempt,
                          Predicate<UpstreamFailure> expected, String expectedOutcome) {
        long started = System.nanoTime();
        try {
            Duration budget = RequestBudget.remaining();
            if (budget.compareTo(RetryPolicy.MIN_CALL) < 0) {
                throw noAnswer.failure(UpstreamFailure.Kind.TIMEOUT, operation);
            }
            T answer = attempt.send(repeatable && callTimeout.compareTo(budget) < 0 ? callTimeout : budget);
            observe(operation, attemptNumber, started, null, null);
            return answer;
        } catch (InterruptedIOException e) {
            // The whole-call timeout and a socket read timeout both land here.
            throw observed(operation, attemptNumber, started, noAnswer.failure(UpstreamFailure.Kind.TIMEOUT, operation),
                    null);
        } catch (IOException e) {
            throw observed(operation, attemptNumber, started,
                    noAnswer.failure(UpstreamFailure.Kind.UNREACHABLE, operation), null);
        } catch (UpstreamFailure failure) {
            throw observed(operation, attemptNumber, started, failure,
                    expected != null && expected.test(failure) ? expectedOutcome : null);
        }
    }

    private UpstreamFailure observed(String operation, int attempt, long started, UpstreamFailure failure,
                                     String expectedOutcome) {
        observe(operation, attempt, started, failure, expectedOutcome);
        return failure;
    }

    /**
     * An upstream's {@code Retry-After} header in seconds, as {@link RetryPolicy} honours it; null
     * when absent, not a number of seconds, or over an hour (no request waits that long).
     */
    public static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds >= 0 && seconds <= 3600 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void observe(String operation, int attempt, long started, UpstreamFailure failure,
                         String expectedOutcome) {
        Telemetry.upstreamCall(upstream, operation, started, failure == null ? 200 : failure.httpStatus(),
                failure != null);
        Telemetry.count(callsMetric);
        var line = LOG.atInfo().addKeyValue("upstream", upstream).addKeyValue("operation", operation)
                .addKeyValue("attempt", attempt).addKeyValue("duration_ms", (System.nanoTime() - started) / 1_000_000);
        if (failure == null) {
            line.addKeyValue("outcome", "ok").log(logMessage);
            return;
        }
        if (expectedOutcome != null) {
            line.addKeyValue("outcome", expectedOutcome).log(logMessage);
            return;
        }
        Telemetry.count(errorsMetric, "ErrorCode", failure.errorCode().orElse(failure.kind().name()));
        line.addKeyValue("outcome", failure.kind().name()).addKeyValue("http_status", failure.httpStatus());
        failure.logFields().forEach(line::addKeyValue);
        line.log(logMessage);
    }
}
