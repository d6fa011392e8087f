package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.ListItemsHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code GET /items}: its handler on this execution environment's wiring. */
public final class ListItemsFunction extends ListItemsHandler {

    public ListItemsFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public ListItemsFunction(Wiring wiring) {
        super(wiring);
    }
}
