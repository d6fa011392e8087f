package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.CallerIdentity;
import dev.plaidknot.json.Json;
import dev.plaidknot.api.JsonBody;
import dev.plaidknot.api.RequestFields;
import dev.plaidknot.link.LinkTokenService;
import dev.plaidknot.plaid.PlaidGateway.LinkToken;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /create_link_token}: a Plaid link token for the caller; with {@code {"item_id"}},
 * one in update mode for that item of theirs.
 */
public final class CreateLinkTokenHandler extends HttpApiHandler {

    private final Supplier<LinkTokenService> linkTokens;

    public CreateLinkTokenHandler() {
        this(Wiring.shared());
    }

    public CreateLinkTokenHandler(Wiring wiring) {
        this.linkTokens = wiring::linkTokenService;
        wiring.buildAtInit(this.linkTokens);
    }

    public CreateLinkTokenHandler(LinkTokenService linkTokens) {
        this.linkTokens = () -> linkTokens;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("create_link_token", event, context, () -> {
            String userId = CallerIdentity.of(event);
            RequestFields body = RequestFields.of(JsonBody.parseOptional(event));
            body.rejectFieldsOtherThan(Set.of("item_id"));
            Optional<String> itemId = body.optionalString("item_id", RequestFields.PLAID_ID, "a Plaid item id");
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
