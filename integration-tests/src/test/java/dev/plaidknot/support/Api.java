package dev.plaidknot.support;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.Wiring;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.DeleteItemHandler;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.handler.KnotMerchantsHandler;
import dev.plaidknot.handler.KnotSessionExtendHandler;
import dev.plaidknot.handler.KnotSessionHandler;
import dev.plaidknot.handler.KnotWebhookHandler;
import dev.plaidknot.sim.KnotSimulator;
import java.nio.charset.StandardCharsets;
import dev.plaidknot.handler.ListItemsHandler;
import dev.plaidknot.handler.PlaidWebhookHandler;
import dev.plaidknot.handler.SandboxPublicTokenHandler;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Every route's handler over one wiring, called the way API Gateway calls them: the tests'
 * equivalent of the README's curl lines.
 */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final CreateLinkTokenHandler createLinkToken;
    public final ExchangePublicTokenHandler exchange;
    public final ListItemsHandler listItems;
    public final DeleteItemHandler deleteItem;
    public final PlaidWebhookHandler webhook;
    public final SandboxPublicTokenHandler sandboxPublicToken;
    public final KnotSessionHandler knotSession;
    public final KnotSessionExtendHandler knotSessionExtend;
    public final KnotWebhookHandler knotWebhook;
    public final KnotMerchantsHandler knotMerchants;
    private final PlaidSimulator plaid;

    /** The address Knot sends its webhooks from (its published one, which the service allows by default). */
    public static final String KNOT_ADDRESS = "35.232.249.218";

    public Api(Wiring wiring, PlaidSimulator plaid) {
        this.createLinkToken = new CreateLinkTokenHandler(wiring);
        this.exchange = new ExchangePublicTokenHandler(wiring);
        this.listItems = new ListItemsHandler(wiring);
        this.deleteItem = new DeleteItemHandler(wiring);
        this.webhook = new PlaidWebhookHandler(wiring);
        this.sandboxPublicToken = new SandboxPublicTokenHandler(wiring);
        this.knotSession = new KnotSessionHandler(wiring);
        this.knotSessionExtend = new KnotSessionExtendHandler(wiring);
        this.knotWebhook = new KnotWebhookHandler(wiring);
        this.knotMerchants = new KnotMerchantsHandler(wiring);
        this.plaid = plaid;
    }

    /** Links First Platypus Bank for the user (every account); returns the item id. */
    public String link(String user) {
        APIGatewayV2HTTPResponse response = exchange.handleRequest(ApiEvents.from(user, "POST /exchange_public_token",
                "{\"public_token\":\"" + plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK) + "\"}"),
                new LambdaContext());
        if (response.getStatusCode() != 201) {
            throw new AssertionError("link failed: " + response.getBody());
        }
        return json(response).path("item_id").asText();
    }

    public APIGatewayV2HTTPResponse list(String user, Map<String, String> query) {
        APIGatewayV2HTTPEvent event = ApiEvents.from(user, "GET /items", null);
        event.setQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query));
        return listItems.handleRequest(event, new LambdaContext());
    }

    public APIGatewayV2HTTPResponse delete(String user, String itemId) {
        APIGatewayV2HTTPEvent event = ApiEvents.from(user, "DELETE /items/{item_id}", null);
        event.setRawPath("/items/" + itemId);
        event.setPathParameters(Map.of("item_id", itemId));
        return deleteItem.handleRequest(event, new LambdaContext());
    }

    public APIGatewayV2HTTPResponse knotSession(String user, String body) {
        return knotSession.handleRequest(ApiEvents.from(user, "POST /knot/session", body), new LambdaContext());
    }

    public APIGatewayV2HTTPResponse extendSession(String user, String body) {
        return knotSessionExtend.handleRequest(ApiEvents.from(user, "POST /knot/session/extend", body), new LambdaContext());
    }

    public APIGatewayV2HTTPResponse merchants(String user) {
        return knotMerchants.handleRequest(ApiEvents.from(user, "GET /knot/merchants", null), new LambdaContext());
    }

    /** Delivers a Knot webhook, as API Gateway passes it on, from this address. */
    public APIGatewayV2HTTPResponse deliverKnot(Map<String, String> headers, byte[] body, String sourceIp) {
        APIGatewayV2HTTPEvent event = ApiEvents.anonymous("POST /webhooks/knot", new String(body, StandardCharsets.UTF_8));
        Map<String, String> lowered = new HashMap<>();
        headers.forEach((name, value) -> lowered.put(name.toLowerCase(java.util.Locale.ROOT), value));
        event.setHeaders(lowered);
        event.getRequestContext().getHttp().setSourceIp(sourceIp);
        return knotWebhook.handleRequest(event, new LambdaContext());
    }

    /** Knot's webhooks as API Gateway would pass them to this service, from Knot's address. */
    public KnotSimulator.WebhookReceiver knotWebhooks() {
        return (headers, body) -> deliverKnot(headers, body, KNOT_ADDRESS).getStatusCode();
    }

    /** Delivers a webhook with this header value (null: none) and body. */
    public APIGatewayV2HTTPResponse deliver(String verification, String body) {
        APIGatewayV2HTTPEvent event = ApiEvents.anonymous("POST /webhooks/plaid", body);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        if (verification != null) {
            headers.put("plaid-verification", verification);
        }
        event.setHeaders(headers);
        return webhook.handleRequest(event, new LambdaContext());
    }

    /** Delivers a webhook signed by the simulator now. */
    public APIGatewayV2HTTPResponse deliverSigned(String body) {
        return deliver(plaid.signWebhook(body), body);
    }

    public static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return JSON.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
