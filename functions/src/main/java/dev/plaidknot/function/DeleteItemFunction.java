package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.DeleteItemHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code DELETE /items/{item_id}}: its handler on this execution environment's wiring. */
public final class DeleteItemFunction extends DeleteItemHandler {

    public DeleteItemFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public DeleteItemFunction(Wiring wiring) {
        super(wiring);
    }
}
