package dev.plaidknot.startup;

import dev.plaidknot.Wiring;
import dev.plaidknot.observability.Telemetry;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart's hooks. Before the snapshot: the priming walk ({@link PrimingWalk}), then the AWS
 * credentials of the function's own clients resolved (no AWS call), so a restore does not build
 * the SDK's default chain, and the Plaid client's operations for every host its keys could pick
 * (no key, no call). After restore: the keys fetched again (a cached key is never trusted across a
 * snapshot), in the hook rather than on the first request; the AWS credentials resolved; a
 * connection opened to Plaid's and Knot's hosts (a handshake is the largest cost left on a first
 * request); and the restore counted as a cold start.
 */
public final class SnapStartHooks implements Resource {

    private final Wiring wiring;
    private final BuiltResources resources;
    private final String handler;

    /** @param handler the handler this function runs (Lambda's {@code _HANDLER}); may be null */
    public SnapStartHooks(Wiring wiring, BuiltResources resources, String handler) {
        this.wiring = wiring;
        this.resources = resources;
        this.handler = handler;
    }

    /** Registers the hooks with the runtime; a JVM without CRaC ignores them. */
    SnapStartHooks register() {
        Core.getGlobalContext().register(this);
        return this;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // Built here, not with the hooks: a function that never snapshots never loads the walk.
        new PrimingWalk(wiring, handler).prime();
        resources.resolveAwsCredentials();
        resources.resolvePlaidOperations();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        resources.refetchSecrets();
        resources.resolveAwsCredentials();
        resources.openUpstreamConnections();
        Telemetry.restored();
    }
}
