package dev.plaidknot.plaid;

import dev.plaidknot.api.RequestBudget;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long to wait before repeating a Plaid call: on 429, 5xx, timeouts and failed
 * connections, with exponential backoff and full jitter (so many callers do not retry in step),
 * honouring Plaid's Retry-After, and never past the request's budget.
 */
public final class PlaidRetry {

    /** Less time than this left, and a call is not started: it could only time out. */
    static final Duration MIN_CALL = Duration.ofMillis(300);

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;

    public PlaidRetry(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    public static PlaidRetry standard() {
        return new PlaidRetry(3, Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    boolean shouldRetry(PlaidFailure failure, int attempt) {
        if (attempt >= maxAttempts) {
            return false;
        }
        return switch (failure.kind()) {
            case TIMEOUT, UNREACHABLE -> true;
            case REJECTED -> failure.httpStatus() == 429 || failure.httpStatus() >= 500;
            case MALFORMED -> false;
        };
    }

    /** Waits before attempt {@code attempt + 1}; false when the budget cannot hold the wait and a call. */
    boolean pause(PlaidFailure failure, int attempt) {
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 16));
        long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
        if (failure.retryAfter().isPresent()) {
            delay = Math.max(delay, failure.retryAfter().get().toMillis());
        }
        if (RequestBudget.remaining().minus(MIN_CALL).toMillis() < delay) {
            return false;
        }
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
