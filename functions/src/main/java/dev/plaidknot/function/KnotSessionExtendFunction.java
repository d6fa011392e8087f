package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.KnotSessionExtendHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code POST /knot/session/extend}: its handler on this execution environment's wiring. */
public final class KnotSessionExtendFunction extends KnotSessionExtendHandler {

    public KnotSessionExtendFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public KnotSessionExtendFunction(Wiring wiring) {
        super(wiring);
    }
}
