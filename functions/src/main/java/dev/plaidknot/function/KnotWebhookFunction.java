package dev.plaidknot.function;

import dev.plaidknot.Wiring;
import dev.plaidknot.handler.KnotWebhookHandler;
import dev.plaidknot.startup.ExecutionEnvironment;

/** What Lambda runs for {@code POST /webhooks/knot}: its handler on this execution environment's wiring. */
public final class KnotWebhookFunction extends KnotWebhookHandler {

    public KnotWebhookFunction() {
        this(ExecutionEnvironment.wiring());
        ExecutionEnvironment.handlerBuilt();
    }

    public KnotWebhookFunction(Wiring wiring) {
        super(wiring);
    }
}
