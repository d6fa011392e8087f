package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.PlaidWebhookHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code POST /webhooks/plaid}: its handler on this execution environment's wiring. */
public final class PlaidWebhookFunction extends PlaidWebhookHandler {

    public PlaidWebhookFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public PlaidWebhookFunction(Wiring wiring) {
        super(wiring);
    }
}
