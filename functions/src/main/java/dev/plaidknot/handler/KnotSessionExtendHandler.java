package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiRequest.Fields;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.cardswitch.KnotSessions;
import dev.plaidknot.json.Json;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** {@code POST /knot/session/extend}: another 30 minutes for a CardSwitcher session the caller opened. */
public class KnotSessionExtendHandler extends HttpApiHandler {

    /** Knot's session ids (UUIDs today), bounded. */
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final Supplier<KnotSessions> sessions;

    public KnotSessionExtendHandler(Wiring wiring) {
        this.sessions = wiring.builtAtInit(wiring::knotSessions);
    }

    public KnotSessionExtendHandler(KnotSessions sessions) {
        this.sessions = () -> sessions;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("knot_session_extend", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            String userId = request.caller();
            Fields body = request.body();
            body.rejectFieldsOtherThan(Set.of("session"));
            String session = body.requiredString("session", SESSION, "the session POST /knot/session answered");
            Instant until = sessions.get().extend(userId, session);
            return ApiResponses.json(200, Json.fields().put("expires_at", until.toString()).build());
        });
    }
}
