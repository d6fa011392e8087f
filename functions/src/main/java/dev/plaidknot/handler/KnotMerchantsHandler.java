package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.cardswitch.CardSwitches;
import dev.plaidknot.vault.CardSwitchRecords.MerchantStatus;
import java.util.function.Supplier;

/** {@code GET /knot/merchants}: where the caller's card is on file, most recent first. */
public class KnotMerchantsHandler extends HttpApiHandler {

    private final Supplier<CardSwitches> switches;

    public KnotMerchantsHandler(Wiring wiring) {
        this.switches = wiring.builtAtInit(wiring::cardSwitches);
    }

    public KnotMerchantsHandler(CardSwitches switches) {
        this.switches = () -> switches;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("knot_merchants", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            JsonArray merchants = new JsonArray();
            for (MerchantStatus status : switches.get().merchants(request.caller())) {
                JsonObject merchant = new JsonObject();
                merchant.addProperty("id", status.merchantId());
                merchant.addProperty("name", status.merchantName());
                JsonObject entry = new JsonObject();
                entry.add("merchant", merchant);
                entry.addProperty("card_id", status.cardId());
                entry.addProperty("status", status.status());
                if (status.reason() != null) {
                    entry.addProperty("reason", status.reason());
                }
                entry.addProperty("updated_at", status.updatedAt().toString());
                merchants.add(entry);
            }
            JsonObject answer = new JsonObject();
            answer.add("merchants", merchants);
            return ApiResponses.json(200, answer);
        });
    }
}
