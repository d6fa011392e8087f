package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.CallerIdentity;
import dev.plaidknot.api.Json;
import dev.plaidknot.vault.TokenVault.AccountView;
import dev.plaidknot.vault.TokenVault.ItemPage;
import dev.plaidknot.vault.TokenVault.ItemView;
import dev.plaidknot.vault.TokenVault;
import java.util.function.Supplier;

/** {@code GET /items}: the caller's items and accounts with their status, newest first. Never a token. */
public final class ListItemsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 50;

    private final Supplier<TokenVault> vault;

    public ListItemsHandler() {
        this(Wiring.shared());
    }

    public ListItemsHandler(Wiring wiring) {
        this.vault = wiring::tokenVault;
        Wiring.buildEarly(this.vault);
    }

    public ListItemsHandler(TokenVault vault) {
        this.vault = () -> vault;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("list_items", event, context, () -> {
            String userId = CallerIdentity.of(event);
            int limit = ApiRequest.intQueryParameter(event, "limit", 1, MAX_PAGE, DEFAULT_PAGE);
            String cursor = ApiRequest.queryParameter(event, "cursor").orElse(null);
            return ApiResponses.json(200, toJson(vault.get().listItems(userId, limit, cursor)));
        });
    }

    private static ObjectNode toJson(ItemPage page) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("items");
        for (ItemView item : page.items()) {
            ObjectNode node = list.addObject();
            node.put("item_id", item.itemId());
            ObjectNode institution = node.putObject("institution");
            institution.put("institution_id", item.institutionId());
            institution.put("name", item.institutionName());
            node.put("status", item.status());
            node.put("status_reason", item.statusReason());
            node.put("created_at", item.createdAt());
            ArrayNode accounts = node.putArray("accounts");
            for (AccountView account : item.accounts()) {
                accounts.addObject()
                        .put("account_id", account.accountId())
                        .put("name", account.name())
                        .put("mask", account.mask())
                        .put("type", account.type())
                        .put("subtype", account.subtype())
                        .put("status", account.status())
                        .put("processor_token_status", account.processorTokenStatus());
            }
        }
        body.put("next_cursor", page.nextCursor());
        return body;
    }
}
