package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code POST /create_link_token}: its handler on this execution environment's wiring. */
public final class CreateLinkTokenFunction extends CreateLinkTokenHandler {

    public CreateLinkTokenFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public CreateLinkTokenFunction(Wiring wiring) {
        super(wiring);
    }
}
