package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.json.Json;
import dev.plaidknot.webhook.ItemWebhooks;
import dev.plaidknot.webhook.PlaidWebhookVerifier;
import dev.plaidknot.webhook.VerifiedWebhook;
import java.util.function.Supplier;

/**
 * {@code POST /webhooks/plaid}: not behind the JWT authorizer, so the signature is the only
 * gate; nothing is parsed or looked up before it is verified.
 */
public class PlaidWebhookHandler extends HttpApiHandler {

    private final Supplier<PlaidWebhookVerifier> verifier;
    private final Supplier<ItemWebhooks> webhooks;

    public PlaidWebhookHandler(Wiring wiring) {
        this.verifier = wiring.builtAtInit(wiring::plaidWebhookVerifier);
        this.webhooks = wiring.builtAtInit(wiring::itemWebhooks);
    }

    public PlaidWebhookHandler(PlaidWebhookVerifier verifier, ItemWebhooks webhooks) {
        this.verifier = () -> verifier;
        this.webhooks = () -> webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("plaid_webhook", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            byte[] body = request.rawBody();
            VerifiedWebhook webhook = verifier.get().verify(request.header("Plaid-Verification").orElse(null), body);
            ItemWebhooks.Outcome outcome = webhooks.get().handle(webhook, ApiRequest.object(body));
            return ApiResponses.json(200, Json.fields().put("outcome", outcome.name().toLowerCase()).build());
        });
    }
}
