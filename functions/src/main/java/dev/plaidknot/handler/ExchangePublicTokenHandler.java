package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.CallerIdentity;
import dev.plaidknot.api.JsonBody;
import dev.plaidknot.link.ExchangeRequest;
import dev.plaidknot.link.PublicTokenExchange;
import java.util.function.Supplier;

/** {@code POST /exchange_public_token}: stores the item and creates its Knot processor tokens. */
public final class ExchangePublicTokenHandler extends HttpApiHandler {

    private final Supplier<PublicTokenExchange> exchange;

    public ExchangePublicTokenHandler() {
        this(Wiring.shared());
    }

    public ExchangePublicTokenHandler(Wiring wiring) {
        this.exchange = wiring::publicTokenExchange;
        wiring.buildAtInit(this.exchange);
    }

    public ExchangePublicTokenHandler(PublicTokenExchange exchange) {
        this.exchange = () -> exchange;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("exchange_public_token", event, context, () -> {
            String userId = CallerIdentity.of(event);
            ExchangeRequest request = ExchangeRequest.parse(JsonBody.parseRequired(event));
            return ApiResponses.json(201, exchange.get().exchange(userId, request).toJson());
        });
    }
}
