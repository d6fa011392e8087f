package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.KnotSessionHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code POST /knot/session}: its handler on this execution environment's wiring. */
public final class KnotSessionFunction extends KnotSessionHandler {

    public KnotSessionFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public KnotSessionFunction(Wiring wiring) {
        super(wiring);
    }
}
