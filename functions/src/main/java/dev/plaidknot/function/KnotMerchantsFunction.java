package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.KnotMerchantsHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code GET /knot/merchants}: its handler on this execution environment's wiring. */
public final class KnotMerchantsFunction extends KnotMerchantsHandler {

    public KnotMerchantsFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public KnotMerchantsFunction(Wiring wiring) {
        super(wiring);
    }
}
