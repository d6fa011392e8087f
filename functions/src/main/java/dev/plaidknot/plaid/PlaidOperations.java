package dev.plaidknot.plaid;

import com.plaid.client.model.AccountsGetRequest;
import com.plaid.client.model.AccountsGetResponse;
import com.plaid.client.model.ItemGetRequest;
import com.plaid.client.model.ItemGetResponse;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.ItemRemoveRequest;
import com.plaid.client.model.ItemRemoveResponse;
import com.plaid.client.model.LinkTokenCreateRequest;
import com.plaid.client.model.LinkTokenCreateResponse;
import com.plaid.client.model.ProcessorTokenCreateRequest;
import com.plaid.client.model.ProcessorTokenCreateResponse;
import com.plaid.client.model.SandboxPublicTokenCreateRequest;
import com.plaid.client.model.SandboxPublicTokenCreateResponse;
import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import com.plaid.client.model.WebhookVerificationKeyGetResponse;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.Headers;
import retrofit2.http.POST;

/**
 * The eight Plaid operations this service calls, declared as plaid-java's {@code PlaidApi}
 * declares them (same names, paths, headers, plaid-java's own request and response models), for
 * Retrofit to implement over plaid-java's {@code ApiClient}. Not {@code PlaidApi} itself: that
 * interface has some 330 methods, and the JDK proxy Retrofit makes for it loads the parameter
 * type of every one of them and generates a class of that many methods, on the first request of
 * every cold start (the performance notes say what it cost). {@code PlaidOperationsTest} holds each method
 * here to its {@code PlaidApi} twin, so a plaid-java upgrade that moves one fails the build.
 */
public interface PlaidOperations {

    @Headers({"Content-Type:application/json"})
    @POST("link/token/create")
    Call<LinkTokenCreateResponse> linkTokenCreate(@Body LinkTokenCreateRequest linkTokenCreateRequest);

    @Headers({"Content-Type:application/json"})
    @POST("item/public_token/exchange")
    Call<ItemPublicTokenExchangeResponse> itemPublicTokenExchange(
            @Body ItemPublicTokenExchangeRequest itemPublicTokenExchangeRequest);

    @Headers({"Content-Type:application/json"})
    @POST("accounts/get")
    Call<AccountsGetResponse> accountsGet(@Body AccountsGetRequest accountsGetRequest);

    @Headers({"Content-Type:application/json"})
    @POST("processor/token/create")
    Call<ProcessorTokenCreateResponse> processorTokenCreate(@Body ProcessorTokenCreateRequest processorTokenCreateRequest);

    @Headers({"Content-Type:application/json"})
    @POST("item/get")
    Call<ItemGetResponse> itemGet(@Body ItemGetRequest itemGetRequest);

    @Headers({"Content-Type:application/json"})
    @POST("item/remove")
    Call<ItemRemoveResponse> itemRemove(@Body ItemRemoveRequest itemRemoveRequest);

    @Headers({"Content-Type:application/json"})
    @POST("webhook_verification_key/get")
    Call<WebhookVerificationKeyGetResponse> webhookVerificationKeyGet(
            @Body WebhookVerificationKeyGetRequest webhookVerificationKeyGetRequest);

    @Headers({"Content-Type:application/json"})
    @POST("sandbox/public_token/create")
    Call<SandboxPublicTokenCreateResponse> sandboxPublicTokenCreate(
            @Body SandboxPublicTokenCreateRequest sandboxPublicTokenCreateRequest);
}
