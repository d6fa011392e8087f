package dev.plaidknot.startup;

import dev.plaidknot.Wiring;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.secrets.CachedSecret;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this execution environment's wiring built that a cold start prepares ahead of a request:
 * its key caches, its upstream clients, its AWS clients, its Plaid client. At an on-demand init
 * each is warmed as soon as it is built ({@link InitWarmUp}); around a SnapStart snapshot the
 * hooks ({@link SnapStartHooks}) prepare them through the methods here. Only what the function
 * built: a function that never builds a client never has it prepared.
 */
public final class BuiltResources implements Wiring.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(BuiltResources.class);

    private final InitWarmUp warmUp;
    private final List<CachedSecret<?>> secrets = new CopyOnWriteArrayList<>();
    private final List<Preconnect> upstreams = new CopyOnWriteArrayList<>();
    private final List<Runnable> credentialResolvers = new CopyOnWriteArrayList<>();
    private final List<Runnable> plaidOperationResolvers = new CopyOnWriteArrayList<>();

    /** @param initializationType Lambda's {@code AWS_LAMBDA_INITIALIZATION_TYPE}, or null outside Lambda */
    public BuiltResources(String initializationType) {
        this.warmUp = new InitWarmUp(initializationType);
    }

    public InitWarmUp initWarmUp() {
        return warmUp;
    }

    @Override
    public boolean fetchesKeysAhead() {
        return warmUp.enabled();
    }

    @Override
    public void secretCached(CachedSecret<?> secret) {
        secrets.add(secret);
        warmUp.queue(secret::get, "secret not fetched at init");
    }

    @Override
    public void upstreamClientBuilt(String upstream, OkHttpClient http, Supplier<String> baseUrl) {
        Preconnect preconnect = new Preconnect(upstream, http, baseUrl);
        upstreams.add(preconnect);
        warmUp.queue(() -> open(preconnect, "upstream connection at init"), "upstream connection not opened at init");
    }

    @Override
    public void awsClientBuilt(Runnable resolveCredentials) {
        credentialResolvers.add(resolveCredentials);
        warmUp.queue(resolveCredentials, "AWS credentials not resolved at init");
    }

    @Override
    public void keySourceBuilt(Runnable resolveCredentials) {
        credentialResolvers.add(resolveCredentials);
    }

    @Override
    public void plaidClientBuilt(Runnable resolveOperations) {
        plaidOperationResolvers.add(resolveOperations);
    }

    /**
     * After a restore: fetches the keys again, now, in the hook rather than on the first request (a
     * key cached before a snapshot is never trusted after it).
     */
    public void refetchSecrets() {
        for (CachedSecret<?> secret : secrets) {
            secret.invalidate();
            BestEffort.run(secret::get, "secret not fetched after restore");
        }
    }

    /**
     * Resolves the AWS credentials of the clients built, fetching and calling nothing. Before a
     * snapshot, so the default chain is built and its classes are in it (credentials cached there
     * are refreshed when stale); after the restore, so neither the key fetch nor a first request
     * walks it. On Lambda this reads the environment or the runtime's local credentials endpoint,
     * never an AWS API.
     */
    public void resolveAwsCredentials() {
        credentialResolvers.forEach(resolve -> BestEffort.run(resolve, "AWS credentials not resolved"));
    }

    /** Before a snapshot: the Plaid client's operations for every host its keys could pick, without a key or a call. */
    public void resolvePlaidOperations() {
        plaidOperationResolvers.forEach(resolve -> BestEffort.run(resolve,
                "plaid operations not resolved before the snapshot"));
    }

    /** After a restore, once the keys are back: a connection to each upstream built, so the first request finds it open. */
    public void openUpstreamConnections() {
        upstreams.forEach(preconnect -> open(preconnect, "upstream connection after restore"));
    }

    private static void open(Preconnect preconnect, String message) {
        long started = System.nanoTime();
        boolean opened = preconnect.open();
        LOG.atInfo().addKeyValue("upstream", preconnect.upstream()).addKeyValue("opened", opened)
                .addKeyValue("duration_ms", Telemetry.millis(System.nanoTime() - started)).log(message);
    }

    /** Waits for the init warm-up (tests; Lambda's init ends through {@link ExecutionEnvironment}). */
    public boolean awaitInitWarmUp(Duration timeout) throws InterruptedException {
        return warmUp.await(timeout);
    }
}
