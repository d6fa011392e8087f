package dev.plaidknot.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.google.gson.Gson;
import com.plaid.client.JSON;
import com.plaid.client.model.AccountsGetResponse;
import com.plaid.client.model.CountryCode;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.model.LinkTokenCreateRequest;
import com.plaid.client.model.LinkTokenCreateRequestUser;
import com.plaid.client.model.LinkTokenCreateResponse;
import com.plaid.client.model.ProcessorTokenCreateRequest;
import com.plaid.client.model.Products;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiError;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.DependencyUnavailable;
import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.api.JsonBody;
import dev.plaidknot.link.ExchangeRequest;
import dev.plaidknot.link.ExchangeResult;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidFailure;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart hooks. Before the snapshot: walk the request path's code (event parsing, the Plaid
 * request and response models through plaid-java's Gson, error mapping, response writing) so the
 * restored environment does not pay class loading and first-use costs on a cardholder's request.
 * Nothing here calls Plaid, Knot or AWS, or writes anything. After restore: forget cached keys
 * (they are re-fetched and so re-validated) and count the restore as a cold start.
 */
public final class SnapStartPriming implements Resource {

    private final Wiring wiring;

    public SnapStartPriming(Wiring wiring) {
        this.wiring = wiring;
    }

    /** Registers the hooks with the runtime; a JVM without CRaC ignores them. */
    public static SnapStartPriming register(Wiring wiring) {
        SnapStartPriming priming = new SnapStartPriming(wiring);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        wiring.forgetCachedSecrets();
        Telemetry.restored();
    }

    /** The request path without its network calls; safe to run any number of times. */
    public void prime() {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withBody("{\"public_token\":\"public-sandbox-00000000-0000-4000-8000-000000000000\","
                        + "\"accounts\":[{\"id\":\"priming\",\"name\":\"Priming\",\"mask\":\"0000\"}],"
                        + "\"institution\":{\"name\":\"Priming Bank\",\"institution_id\":\"ins_1\"}}")
                .withIsBase64Encoded(false)
                .build();
        ExchangeRequest.parse(JsonBody.parseRequired(event));

        Gson gson = new JSON().getGson();
        gson.toJson(new LinkTokenCreateRequest().clientName("priming").language("en")
                .countryCodes(List.of(CountryCode.US)).products(List.of(Products.TRANSACTIONS))
                .user(new LinkTokenCreateRequestUser().clientUserId("priming")));
        gson.toJson(new ItemPublicTokenExchangeRequest().publicToken("priming"));
        gson.toJson(new ProcessorTokenCreateRequest().accessToken("priming").accountId("priming")
                .processor(ProcessorTokenCreateRequest.ProcessorEnum.KNOT));
        gson.fromJson("{\"link_token\":\"link-sandbox-priming\",\"expiration\":\"2026-01-01T00:00:00Z\","
                + "\"request_id\":\"priming\"}", LinkTokenCreateResponse.class);
        gson.fromJson("{\"accounts\":[{\"account_id\":\"a\",\"balances\":{\"available\":1,\"current\":1,"
                + "\"iso_currency_code\":\"USD\"},\"mask\":\"0000\",\"name\":\"n\",\"type\":\"depository\","
                + "\"subtype\":\"checking\"}],\"item\":{\"item_id\":\"i\",\"institution_id\":\"ins_1\"},"
                + "\"request_id\":\"priming\"}", AccountsGetResponse.class);

        ApiResponses.json(201, new ExchangeResult("priming", "ins_1", "Priming Bank",
                List.of(new ExchangeResult.LinkedAccount("a", "n", "0000", "depository", "checking", "created")),
                List.of()).toJson());
        for (RuntimeException failure : List.of(ApiError.badRequest("priming"),
                PlaidFailure.rejected("priming", 400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN", "priming", null, null),
                PlaidFailure.timeout("priming"), new DependencyUnavailable("priming", "priming", null))) {
            ApiResponses.error(ErrorMapper.map(failure));
        }
    }
}
