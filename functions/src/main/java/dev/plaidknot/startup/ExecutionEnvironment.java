package dev.plaidknot.startup;

import dev.plaidknot.Wiring;
import dev.plaidknot.aws.AwsClients;
import dev.plaidknot.config.Settings;

/**
 * A deployed function's execution environment: its one wiring (from its environment variables and
 * the default AWS credential chain), the init warm-up that wiring's builds feed, and the SnapStart
 * hooks, registered once. The only door from Lambda's entry classes into the cold-start machinery;
 * handlers and services know none of it.
 */
public final class ExecutionEnvironment {

    private static final class Shared {
        static final ExecutionEnvironment INSTANCE = new ExecutionEnvironment(Settings.fromEnvironment());
    }

    private final Wiring wiring;
    private final BuiltResources resources;
    /** Held strongly: the runtime's CRaC context keeps only weak references to its resources. */
    private final SnapStartHooks hooks;

    private ExecutionEnvironment(Settings settings) {
        this.resources = new BuiltResources(settings.initializationType().orElse(null));
        this.wiring = new Wiring(settings, Wiring.Backends.aws(settings, AwsClients::secretsManager,
                AwsClients::dynamo, AwsClients::kms, AwsClients::lambda), resources);
        this.hooks = new SnapStartHooks(wiring, resources, System.getenv("_HANDLER")).register();
    }

    /** This environment's wiring, built on first use. */
    public static Wiring wiring() {
        return Shared.INSTANCE.wiring;
    }

    /** The function's handler is built: init ends once the warm-up it started has finished, or its bound passed. */
    public static void handlerBuilt() {
        Shared.INSTANCE.resources.initWarmUp().awaitAtInitEnd();
    }

    /** The hooks as registered (a benchmark runs them by hand, as SnapStart would). */
    public static SnapStartHooks snapStartHooks() {
        return Shared.INSTANCE.hooks;
    }
}
