package dev.plaidknot.startup;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At an on-demand or provisioned-concurrency init, what the first request would do first (fetch
 * the keys, resolve the AWS credentials, open a connection to Plaid and Knot) runs on a background
 * thread while init goes on building the clients: the Secrets Manager call and the handshakes are
 * network waits, and loading their classes can use a second core while init loads others. Init
 * waits for it, bounded, before it ends ({@link #awaitAtInitEnd}). Never at a SnapStart init (a
 * snapshot must not hold a key; the restore hook does the same after each restore), nor outside
 * Lambda (tests build wirings freely).
 */
public final class InitWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(InitWarmUp.class);

    /** How long init waits for its warm-up: a slow Secrets Manager must not spend Lambda's init time. */
    static final Duration BOUND_AT_INIT_END = Duration.ofSeconds(3);
    /**
     * Runs each step on a fresh daemon thread (the steps are chained, so one at a time): nothing
     * idles once init has warmed up, and nothing keeps the JVM alive.
     */
    private static final Executor STEP_THREAD = step -> Thread.ofPlatform().name("init-warm-up").daemon().start(step);

    private final boolean enabled;
    /** The steps so far, chained; guarded by this. */
    private CompletableFuture<Void> steps = CompletableFuture.completedFuture(null);

    /** @param initializationType Lambda's {@code AWS_LAMBDA_INITIALIZATION_TYPE}, when there is one */
    InitWarmUp(String initializationType) {
        this.enabled = "on-demand".equals(initializationType) || "provisioned-concurrency".equals(initializationType);
    }

    boolean enabled() {
        return enabled;
    }

    /** Queues a step; does nothing at any other init. */
    synchronized void queue(Runnable step, String failureMessage) {
        if (enabled) {
            steps = steps.thenRunAsync(() -> BestEffort.run(step, failureMessage), STEP_THREAD);
        }
    }

    /**
     * Waits, at most {@code timeout}, for the steps queued so far; true once they have all ended
     * (at once when there are none). A request never waits on this; it meets a step still running
     * only where it needs the same thing (a key being fetched).
     */
    public boolean await(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> queued;
        synchronized (this) {
            queued = steps;
        }
        try {
            queued.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an init warm-up step failed", e.getCause());
        }
    }

    /**
     * As init ends: lets the steps finish, bounded. A step left running when init ends would be
     * frozen with the environment mid-call when no request is waiting (Lambda may initialize ahead
     * of traffic).
     */
    void awaitAtInitEnd() {
        try {
            if (!await(BOUND_AT_INIT_END)) {
                LOG.atWarn().log("init warm-up still running as init ends");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // A step failed past its best effort (an Error): the first request meets the cause itself.
            LOG.atWarn().addKeyValue("failure", e.getCause().getClass().getSimpleName()).log("init warm-up failed");
        }
    }
}
