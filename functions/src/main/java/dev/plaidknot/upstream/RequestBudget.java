package dev.plaidknot.upstream;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The time left to answer the current request. API Gateway gives up at 30 s and the function at
 * its timeout; retries and waits check this so the caller always gets our answer, not a gateway
 * timeout. Set per request by {@code api.ApiCall} (one request per thread, as Lambda runs them).
 */
public final class RequestBudget {

    /** Kept back from the Lambda deadline to write the answer and any record that must land. */
    static final Duration RESERVE = Duration.ofMillis(1500);
    /** Without a Lambda context (unit tests, tools) the budget is API Gateway's, less the reserve. */
    private static final Duration DEFAULT = Duration.ofSeconds(29);

    private static final ThreadLocal<Instant> DEADLINE = new ThreadLocal<>();
    /** When Lambda stops this invocation: the deadline before the reserve was kept back. */
    private static final ThreadLocal<Instant> FUNCTION_DEADLINE = new ThreadLocal<>();

    private RequestBudget() {
    }

    public static void start(Context context) {
        Duration available = context == null ? DEFAULT : Duration.ofMillis(context.getRemainingTimeInMillis());
        Instant now = Instant.now();
        FUNCTION_DEADLINE.set(now.plus(available));
        DEADLINE.set(now.plus(available.minus(RESERVE)));
    }

    public static void end() {
        DEADLINE.remove();
        FUNCTION_DEADLINE.remove();
    }

    /**
     * When Lambda stops this invocation whatever it is doing (its timeout): after it, this
     * request's code certainly runs no more. A lease held until then outlives its holder by nothing.
     */
    public static Instant functionDeadline() {
        Instant deadline = FUNCTION_DEADLINE.get();
        return deadline != null ? deadline : Instant.now().plus(DEFAULT);
    }

    /**
     * Runs {@code work} with {@code kept} held back from its budget, for work whose result must
     * then be dealt with in time (an access token stored, or removed at Plaid).
     */
    public static <T> T keepingBack(Duration kept, Supplier<T> work) {
        Instant before = DEADLINE.get();
        Instant deadline = before != null ? before : Instant.now().plus(DEFAULT.minus(RESERVE));
        DEADLINE.set(deadline.minus(kept));
        try {
            return work.get();
        } finally {
            set(DEADLINE, before);
        }
    }

    /** {@code work}, to run on another thread, within this thread's budget and function deadline. */
    public static <T> Supplier<T> carried(Supplier<T> work) {
        Instant deadline = DEADLINE.get();
        Instant functionDeadline = FUNCTION_DEADLINE.get();
        return () -> {
            Instant before = DEADLINE.get();
            Instant functionBefore = FUNCTION_DEADLINE.get();
            set(DEADLINE, deadline);
            set(FUNCTION_DEADLINE, functionDeadline);
            try {
                return work.get();
            } finally {
                set(DEADLINE, before);
                set(FUNCTION_DEADLINE, functionBefore);
            }
        };
    }

    private static void set(ThreadLocal<Instant> holder, Instant value) {
        if (value == null) {
            holder.remove();
        } else {
            holder.set(value);
        }
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
