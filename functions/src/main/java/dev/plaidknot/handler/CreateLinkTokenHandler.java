package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest.Fields;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.json.Json;
import dev.plaidknot.link.LinkTokenService;
import dev.plaidknot.plaid.PlaidGateway.LinkToken;
import dev.plaidknot.plaid.PlaidGateway;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /create_link_token}: a Plaid link token for the caller; with {@code {"item_id"}},
 * one in update mode for that item of theirs.
 */
public class CreateLinkTokenHandler extends HttpApiHandler {

    private final Supplier<LinkTokenService> linkTokens;

    public CreateLinkTokenHandler(Wiring wiring) {
        this.linkTokens = wiring.builtAtInit(wiring::linkTokenService);
    }

    public CreateLinkTokenHandler(LinkTokenService linkTokens) {
        this.linkTokens = () -> linkTokens;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("create_link_token", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            String userId = request.caller();
            Fields body = request.optionalBody();
            body.rejectFieldsOtherThan(Set.of("item_id"));
            Optional<String> itemId = body.optionalString("item_id", PlaidGateway.ID_FORMAT, "a Plaid item id");
            LinkToken token = itemId.isPresent()
                    ? linkTokens.get().createForUpdate(userId, itemId.get())
                    : linkTokens.get().create(userId);
            return ApiResponses.json(200, Json.fields()
                    .put("link_token", token.linkToken())
                    .put("expiration", token.expiration())
                    .put("request_id", token.requestId()).build());
        });
    }
}
