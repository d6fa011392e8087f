package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.SandboxPublicTokenHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code POST /sandbox/public_token}: its handler on this execution environment's wiring. */
public final class SandboxPublicTokenFunction extends SandboxPublicTokenHandler {

    public SandboxPublicTokenFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public SandboxPublicTokenFunction(Wiring wiring) {
        super(wiring);
    }
}
