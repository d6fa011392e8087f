package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiError;
import dev.plaidknot.api.ApiRequest.Fields;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.link.ExchangeRequest;
import dev.plaidknot.link.PublicTokenExchange;
import dev.plaidknot.plaid.PlaidGateway;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** {@code POST /exchange_public_token}: stores the item and creates its Knot processor tokens. */
public class ExchangePublicTokenHandler extends HttpApiHandler {

    private static final Pattern PUBLIC_TOKEN = Pattern.compile(
            "public-(sandbox|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern INSTITUTION_ID = Pattern.compile("ins_[0-9]{1,12}");
    private static final Pattern INSTITUTION_NAME = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    private static final int MAX_ACCOUNTS = 100;

    private final Supplier<PublicTokenExchange> exchange;

    public ExchangePublicTokenHandler(Wiring wiring) {
        this.exchange = wiring.builtAtInit(wiring::publicTokenExchange);
    }

    public ExchangePublicTokenHandler(PublicTokenExchange exchange) {
        this.exchange = () -> exchange;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("exchange_public_token", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            String userId = request.caller();
            ExchangeRequest exchangeRequest = read(request.body().json());
            return ApiResponses.json(201, exchange.get().exchange(userId, exchangeRequest).toJson());
        });
    }


    /** Link's onSuccess payload as the front end forwards it. */
    static ExchangeRequest read(JsonObject body) {
        Fields fields = Fields.of(body);
        String publicToken = fields.requiredString("public_token", PUBLIC_TOKEN,
                "the public_token from Plaid Link's onSuccess (public-<environment>-<uuid>)");
        List<String> accountIds = fields.optionalArray("accounts").map(ExchangePublicTokenHandler::accountIds).orElse(List.of());
        Optional<JsonObject> institution = fields.optionalObject("institution");
        Optional<String> institutionId = institution.flatMap(i -> Fields.nested(i, "institution")
                .optionalString("institution_id", INSTITUTION_ID, "a Plaid institution id (ins_…)"));
        Optional<String> institutionName = institution.flatMap(i -> Fields.nested(i, "institution")
                .optionalString("name", INSTITUTION_NAME, "at most 200 printable characters"));
        return new ExchangeRequest(publicToken, accountIds, institutionId, institutionName);
    }

    private static List<String> accountIds(JsonArray accounts) {
        if (accounts.size() > MAX_ACCOUNTS) {
            throw ApiError.badRequest("accounts may hold at most " + MAX_ACCOUNTS + " entries");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < accounts.size(); i++) {
            JsonElement account = accounts.get(i);
            String where = "accounts[" + i + "]";
            if (!account.isJsonObject()) {
                throw ApiError.badRequest(where + " must be an object, as in Link's metadata.accounts");
            }
            String id = Fields.nested(account.getAsJsonObject(), where)
                    .requiredString("id", PlaidGateway.ID_FORMAT, "a Plaid account id");
            if (!ids.add(id)) {
                throw ApiError.badRequest(where + ".id repeats an earlier account");
            }
        }
        return new ArrayList<>(ids);
    }

}
