package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.CallerIdentity;
import dev.plaidknot.api.Json;
import dev.plaidknot.api.JsonBody;
import dev.plaidknot.api.RequestFields;
import dev.plaidknot.link.LinkTokenService;
import dev.plaidknot.plaid.PlaidGateway.LinkToken;
import java.util.function.Supplier;

/** {@code POST /create_link_token}: a Plaid link token for the caller. */
public final class CreateLinkTokenHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final Supplier<LinkTokenService> linkTokens;

    public CreateLinkTokenHandler() {
        this(Wiring.shared());
    }

    public CreateLinkTokenHandler(Wiring wiring) {
        this.linkTokens = wiring::linkTokenService;
        Wiring.buildEarly(this.linkTokens);
    }

    public CreateLinkTokenHandler(LinkTokenService linkTokens) {
        this.linkTokens = () -> linkTokens;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("create_link_token", event, context, () -> {
            String userId = CallerIdentity.of(event);
            RequestFields.of(JsonBody.parseOptional(event))
                    .rejectAnyField("create_link_token takes no fields: the user comes from the bearer token");
            LinkToken token = linkTokens.get().create(userId);
            return ApiResponses.json(200, Json.MAPPER.createObjectNode()
                    .put("link_token", token.linkToken())
                    .put("expiration", token.expiration())
                    .put("request_id", token.requestId()));
        });
    }
}
