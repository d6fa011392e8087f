package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.json.Json;
import dev.plaidknot.link.SandboxPublicTokens;
import java.util.function.Supplier;

/** {@code POST /sandbox/public_token}: a sandbox public token without Link; 404 outside the sandbox. */
public class SandboxPublicTokenHandler extends HttpApiHandler {

    private final Supplier<SandboxPublicTokens> tokens;

    public SandboxPublicTokenHandler(Wiring wiring) {
        this.tokens = wiring.builtAtInit(wiring::sandboxPublicTokens);
    }

    public SandboxPublicTokenHandler(SandboxPublicTokens tokens) {
        this.tokens = () -> tokens;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("sandbox_public_token", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            request.caller();
            request.optionalBody().rejectAnyField("sandbox/public_token takes no fields");
            String publicToken = tokens.get().create();
            return ApiResponses.json(201, Json.fields()
                    .put("public_token", publicToken)
                    .put("institution_id", SandboxPublicTokens.FIRST_PLATYPUS_BANK).build());
        });
    }
}
