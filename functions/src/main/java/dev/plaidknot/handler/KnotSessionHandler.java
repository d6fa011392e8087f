package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest.Fields;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.cardswitch.KnotSessions.KnotSession;
import dev.plaidknot.cardswitch.KnotSessions;
import dev.plaidknot.json.Json;
import dev.plaidknot.plaid.PlaidGateway;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** {@code POST /knot/session}: a Knot CardSwitcher session for the caller, with their processor token. */
public class KnotSessionHandler extends HttpApiHandler {

    /** The issuer's own card identifier, passed to Knot as is. */
    private static final Pattern CARD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final Supplier<KnotSessions> sessions;

    public KnotSessionHandler(Wiring wiring) {
        this.sessions = wiring.builtAtInit(wiring::knotSessions);
    }

    public KnotSessionHandler(KnotSessions sessions) {
        this.sessions = () -> sessions;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("knot_session", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            String userId = request.caller();
            Fields body = request.body();
            body.rejectFieldsOtherThan(Set.of("card_id", "account_id"));
            String cardId = body.requiredString("card_id", CARD_ID, "the issuer's card id (1 to 128 of A-Z a-z 0-9 . _ : -)");
            Optional<String> accountId = body.optionalString("account_id", PlaidGateway.ID_FORMAT, "a Plaid account id");
            KnotSession session = sessions.get().create(userId, cardId, accountId);
            return ApiResponses.json(201, Json.fields()
                    .put("session", session.session())
                    .put("environment", session.environment())
                    .put("transactions_linked", session.transactionsLinked()).build());
        });
    }
}
