package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.link.ItemRemoval;
import dev.plaidknot.plaid.PlaidGateway;
import java.util.function.Supplier;

/** {@code DELETE /items/{item_id}}: removes the item at Plaid, then its records. */
public class DeleteItemHandler extends HttpApiHandler {

    private final Supplier<ItemRemoval> items;

    public DeleteItemHandler(Wiring wiring) {
        this.items = wiring.builtAtInit(wiring::itemRemoval);
    }

    public DeleteItemHandler(ItemRemoval items) {
        this.items = () -> items;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("delete_item", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            String userId = request.caller();
            String itemId = request.pathParameter("item_id", PlaidGateway.ID_FORMAT, "a Plaid item id");
            items.get().remove(userId, itemId);
            return ApiResponses.noContent();
        });
    }
}
