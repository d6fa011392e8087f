package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code POST /exchange_public_token}: its handler on this execution environment's wiring. */
public final class ExchangePublicTokenFunction extends ExchangePublicTokenHandler {

    public ExchangePublicTokenFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public ExchangePublicTokenFunction(Wiring wiring) {
        super(wiring);
    }
}
