package dev.plaidknot.upstream;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * How an upstream call (Plaid, Knot) is repeated after a transient failure: a few attempts, with
 * exponential backoff and full jitter (so many callers do not retry in step), honouring the
 * upstream's Retry-After, and never past the request's budget. Which failures are transient is
 * each gateway's call.
 */
public final class RetryPolicy {

    /** Less time than this left, and a call is not started: it could only time out. */
    public static final Duration MIN_CALL = Duration.ofMillis(300);

    /**
     * Not ThreadLocalRandom: its seed is fixed when the class loads, so every environment restored
     * from one SnapStart snapshot would draw the same "random" delays and retry in step.
     */
    private static final SecureRandom JITTER = new SecureRandom();

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;

    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    public static RetryPolicy standard() {
        return new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    /**
     * Makes the call (given its attempt number) until it answers. On rejected keys the keys are
     * refetched and the call made once more; on a transient failure a repeatable call is tried
     * again after a pause, while attempts and the request's budget last. Anything else is thrown.
     */
    public <T> T run(IntFunction<T> call, Runnable refetchKeys, boolean repeatable) {
        boolean keysRefetched = false;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return call.apply(attempt);
            } catch (RuntimeException thrown) {
                if (!(thrown instanceof UpstreamFailure failure)) {
                    throw thrown;
                }
                if (failure.keysRejected() && !keysRefetched) {
                    refetchKeys.run();
                    keysRefetched = true;
                    attempt--;
                    continue;
                }
                if (!repeatable || !failure.isTransient() || attempt >= maxAttempts
                        || !pause(attempt, failure.retryAfter())) {
                    throw thrown;
                }
            }
        }
    }

    /** Waits before the next attempt; false when the budget cannot hold the wait and a call. */
    private boolean pause(int attemptsMade, Optional<Duration> retryAfter) {
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attemptsMade - 1, 16));
        long delay = JITTER.nextLong(ceiling + 1);
        if (retryAfter.isPresent()) {
            delay = Math.max(delay, retryAfter.get().toMillis());
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
