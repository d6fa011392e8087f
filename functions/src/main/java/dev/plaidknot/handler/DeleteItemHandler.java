package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.CallerIdentity;
import dev.plaidknot.api.RequestFields;
import dev.plaidknot.link.LinkedItems;
import java.util.function.Supplier;

/** {@code DELETE /items/{item_id}}: removes the item at Plaid, then its records. */
public final class DeleteItemHandler extends HttpApiHandler {

    private final Supplier<LinkedItems> items;

    public DeleteItemHandler() {
        this(Wiring.shared());
    }

    public DeleteItemHandler(Wiring wiring) {
        this.items = wiring::linkedItems;
        wiring.buildAtInit(this.items);
    }

    public DeleteItemHandler(LinkedItems items) {
        this.items = () -> items;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("delete_item", event, context, () -> {
            String userId = CallerIdentity.of(event);
            String itemId = ApiRequest.pathParameter(event, "item_id", RequestFields.PLAID_ID, "a Plaid item id");
            items.get().remove(userId, itemId);
            return ApiResponses.noContent();
        });
    }
}
