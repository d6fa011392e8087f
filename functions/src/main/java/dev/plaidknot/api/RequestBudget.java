package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * The time left to answer the current request. API Gateway gives up at 30 s and the function at
 * its timeout; retries and waits check this so the caller always gets our answer, not a gateway
 * timeout. Set per request by {@link ApiCall} (one request per thread, as Lambda runs them).
 */
public final class RequestBudget {

    /** Kept back from the Lambda deadline to write the answer and any record that must land. */
    static final Duration RESERVE = Duration.ofMillis(1500);
    /** Without a Lambda context (unit tests, tools) the budget is API Gateway's, less the reserve. */
    private static final Duration DEFAULT = Duration.ofSeconds(29);

    private static final ThreadLocal<Instant> DEADLINE = new ThreadLocal<>();

    private RequestBudget() {
    }

    static void start(Context context) {
        Duration available = context == null ? DEFAULT : Duration.ofMillis(context.getRemainingTimeInMillis());
        DEADLINE.set(Instant.now().plus(available.minus(RESERVE)));
    }

    static void end() {
        DEADLINE.remove();
    }

    public static Duration remaining() {
        Instant deadline = DEADLINE.get();
        if (deadline == null) {
            return DEFAULT.minus(RESERVE);
        }
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
