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
import dev.plaidknot.vault.TokenVault.AccountView;
import dev.plaidknot.vault.TokenVault.ItemPage;
import dev.plaidknot.vault.TokenVault.ItemView;
import dev.plaidknot.vault.TokenVault;
import java.util.function.Supplier;

/** {@code GET /items}: the caller's items and accounts with their status, newest first. Never a token. */
public class ListItemsHandler extends HttpApiHandler {

    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 50;

    private final Supplier<TokenVault> vault;

    public ListItemsHandler(Wiring wiring) {
        this.vault = wiring.builtAtInit(wiring::tokenVault);
    }

    public ListItemsHandler(TokenVault vault) {
        this.vault = () -> vault;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("list_items", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            String userId = request.caller();
            int limit = request.intQueryParameter("limit", 1, MAX_PAGE, DEFAULT_PAGE);
            String cursor = request.queryParameter("cursor").orElse(null);
            return ApiResponses.json(200, toJson(vault.get().listItems(userId, limit, cursor)));
        });
    }

    private static JsonObject toJson(ItemPage page) {
        JsonArray list = new JsonArray();
        for (ItemView item : page.items()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("item_id", item.itemId());
            JsonObject institution = new JsonObject();
            institution.addProperty("institution_id", item.institutionId());
            institution.addProperty("name", item.institutionName());
            entry.add("institution", institution);
            entry.addProperty("status", item.status());
            entry.addProperty("status_reason", item.statusReason());
            entry.addProperty("created_at", item.createdAt());
            JsonArray accounts = new JsonArray();
            for (AccountView account : item.accounts()) {
                JsonObject a = account.account().toJson();
                a.addProperty("status", account.status());
                a.addProperty("processor_token_status", account.processorTokenStatus());
                accounts.add(a);
            }
            entry.add("accounts", accounts);
            list.add(entry);
        }
        JsonObject body = new JsonObject();
        body.add("items", list);
        body.addProperty("next_cursor", page.nextCursor());
        return body;
    }
}
