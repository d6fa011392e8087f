package dev.plaidknot.plaid;

import com.google.gson.JsonObject;
import com.plaid.client.model.AccountBase;
import com.plaid.client.model.AccountsGetRequest;
import com.plaid.client.model.AccountsGetResponse;
import com.plaid.client.model.CountryCode;
import com.plaid.client.model.ItemGetRequest;
import com.plaid.client.model.ItemGetResponse;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.ItemRemoveRequest;
import com.plaid.client.model.JWKPublicKey;
import com.plaid.client.model.LinkTokenCreateRequest;
import com.plaid.client.model.LinkTokenCreateRequestUser;
import com.plaid.client.model.LinkTokenCreateResponse;
import com.plaid.client.model.PlaidError;
import com.plaid.client.model.ProcessorTokenCreateRequest;
import com.plaid.client.model.ProcessorTokenCreateResponse;
import com.plaid.client.model.Products;
import com.plaid.client.model.SandboxPublicTokenCreateRequest;
import com.plaid.client.model.SandboxPublicTokenCreateRequestOptions;
import com.plaid.client.model.SandboxPublicTokenCreateResponse;
import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import com.plaid.client.model.WebhookVerificationKeyGetResponse;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.json.Json;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.upstream.RetryPolicy;
import dev.plaidknot.upstream.UpstreamCall;
import dev.plaidknot.upstream.UpstreamFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.Response;

/**
 * {@link PlaidGateway} over plaid-java. plaid-java returns Retrofit responses and does not
 * throw on an HTTP error, so every attempt goes through {@link #send}, which turns anything but a
 * readable 2xx into a {@link PlaidFailure} carrying Plaid's error fields; {@link UpstreamCall}
 * does the rest (budget, timeout, retry, telemetry).
 */
public final class PlaidApiGateway implements PlaidGateway {

    /** Plaid's error bodies are small; anything bigger is not an error object worth reading. */
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    private final PlaidClients clients;
    private final UpstreamCall calls;

    public PlaidApiGateway(PlaidClients clients, Duration callTimeout, RetryPolicy retry) {
        this.clients = clients;
        this.calls = new UpstreamCall("plaid", callTimeout, retry, clients::keysRejected,
                PlaidFailure::noAnswer);
    }

    @Override
    public LinkToken createLinkToken(LinkTokenRequest request) {
        LinkTokenCreateRequest body = new LinkTokenCreateRequest()
                .clientName(request.clientName())
                .language(request.language())
                .countryCodes(request.countryCodes().stream().map(PlaidApiGateway::countryCode).toList())
                .user(new LinkTokenCreateRequestUser().clientUserId(request.clientUserId()));
        if (request.accessToken() != null) {
            // Update mode: Link re-authenticates this item; its products are already set.
            body.accessToken(request.accessToken());
        } else {
            body.products(request.products().stream().map(PlaidApiGateway::product).toList());
        }
        if (request.webhookUrl() != null) {
            body.webhook(request.webhookUrl());
        }
        LinkTokenCreateResponse response = execute("link/token/create", api -> api.linkTokenCreate(body));
        return new LinkToken(
                required(response.getLinkToken(), "link/token/create"),
                response.getExpiration() == null ? null : response.getExpiration().toString(),
                response.getRequestId());
    }

    @Override
    public ExchangedItem exchangePublicToken(String publicToken) {
        ItemPublicTokenExchangeRequest body = new ItemPublicTokenExchangeRequest().publicToken(publicToken);
        // Never repeated on a timeout or 5xx: Plaid may have exchanged the token already. Rejected keys
        // are still refetched and the call made once more: Plaid checks keys before doing anything.
        ItemPublicTokenExchangeResponse response = calls.call("item/public_token/exchange", false,
                timeout -> send("item/public_token/exchange", api -> api.itemPublicTokenExchange(body), timeout));
        return new ExchangedItem(
                required(response.getItemId(), "item/public_token/exchange"),
                required(response.getAccessToken(), "item/public_token/exchange"),
                response.getRequestId());
    }

    @Override
    public ItemAccounts getAccounts(String accessToken) {
        AccountsGetRequest body = new AccountsGetRequest().accessToken(accessToken);
        AccountsGetResponse response = execute("accounts/get", api -> api.accountsGet(body));
        List<BankAccount> accounts = response.getAccounts() == null ? List.of()
                : response.getAccounts().stream().map(PlaidApiGateway::account).toList();
        String institutionId = response.getItem() == null ? null : response.getItem().getInstitutionId();
        String institutionName = response.getItem() == null ? null : response.getItem().getInstitutionName();
        return new ItemAccounts(institutionId, institutionName, accounts);
    }

    @Override
    public String createKnotProcessorToken(String accessToken, String accountId) {
        ProcessorTokenCreateRequest body = new ProcessorTokenCreateRequest()
                .accessToken(accessToken)
                .accountId(accountId)
                .processor(ProcessorTokenCreateRequest.ProcessorEnum.KNOT);
        ProcessorTokenCreateResponse response =
                execute("processor/token/create", api -> api.processorTokenCreate(body));
        return required(response.getProcessorToken(), "processor/token/create");
    }

    @Override
    public void removeItem(String accessToken) {
        ItemRemoveRequest body = new ItemRemoveRequest().accessToken(accessToken);
        execute("item/remove", api -> api.itemRemove(body));
    }

    @Override
    public Optional<String> itemErrorCode(String accessToken) {
        ItemGetRequest body = new ItemGetRequest().accessToken(accessToken);
        ItemGetResponse response = execute("item/get", api -> api.itemGet(body));
        if (response.getItem() == null) {
            throw PlaidFailure.malformed("item/get", 200);
        }
        PlaidError error = response.getItem().getError();
        return error == null ? Optional.empty() : Optional.ofNullable(error.getErrorCode());
    }

    @Override
    public Optional<WebhookKey> getWebhookVerificationKey(String keyId) {
        WebhookVerificationKeyGetRequest body = new WebhookVerificationKeyGetRequest().keyId(keyId);
        WebhookVerificationKeyGetResponse response;
        try {
            // Anyone can post a webhook naming a key id: Plaid not knowing it is no Plaid failure.
            response = calls.call("webhook_verification_key/get", true, PlaidApiGateway::isUnknownKey, "unknown_key",
                    timeout -> send("webhook_verification_key/get", api -> api.webhookVerificationKeyGet(body), timeout));
        } catch (PlaidFailure failure) {
            if (isUnknownKey(failure)) {
                return Optional.empty();
            }
            throw failure;
        }
        JWKPublicKey key = response.getKey();
        if (key == null) {
            throw PlaidFailure.malformed("webhook_verification_key/get", 200);
        }
        return Optional.of(new WebhookKey(key.getKid(), key.getAlg(), key.getCrv(), key.getKty(), key.getX(),
                key.getY(), key.getExpiredAt() == null ? null : key.getExpiredAt().longValue()));
    }

    @Override
    public String createSandboxPublicToken(String institutionId, List<String> products, String webhookUrl) {
        SandboxPublicTokenCreateRequest body = new SandboxPublicTokenCreateRequest()
                .institutionId(institutionId)
                .initialProducts(products.stream().map(PlaidApiGateway::product).toList());
        if (webhookUrl != null) {
            body.options(new SandboxPublicTokenCreateRequestOptions().webhook(webhookUrl));
        }
        SandboxPublicTokenCreateResponse response =
                execute("sandbox/public_token/create", api -> api.sandboxPublicTokenCreate(body));
        return required(response.getPublicToken(), "sandbox/public_token/create");
    }

    @Override
    public PlaidEnvironment environment() {
        return clients.environment();
    }

    /**
     * Resolves every operation this gateway calls on the service of every host the keys could
     * pick, holding no key and sending nothing: a call is only created, never executed. Retrofit
     * reads a method's annotations, and Gson builds the adapters of its request and response
     * models, the first time a method is called on a service; SnapStart priming did that on a twin
     * service (pointed at a stand-in), so done before the snapshot this spares both the restore and
     * the first request after it.
     */
    public void resolveOperations() {
        List<Function<PlaidOperations, Call<?>>> everyOperation = List.of(
                a -> a.linkTokenCreate(new LinkTokenCreateRequest()),
                a -> a.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest()),
                a -> a.accountsGet(new AccountsGetRequest()),
                a -> a.processorTokenCreate(new ProcessorTokenCreateRequest()),
                a -> a.itemRemove(new ItemRemoveRequest()),
                a -> a.itemGet(new ItemGetRequest()),
                a -> a.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest()),
                a -> a.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest()));
        for (PlaidOperations api : clients.servicesOfEveryHost()) {
            everyOperation.forEach(operation -> operation.apply(api));
        }
    }

    /**
     * Calls Plaid through the upstream path (budget, timeout, retry, telemetry), for every call but
     * the exchange: repeating it changes nothing at Plaid.
     */
    private <T> T execute(String operation, Function<PlaidOperations, Call<T>> request) {
        return calls.call(operation, true, timeout -> send(operation, request, timeout));
    }

    /** Plaid's answer to a key id it never issued: 400 INVALID_INPUT. */
    private static boolean isUnknownKey(UpstreamFailure failure) {
        return failure instanceof PlaidFailure plaid && plaid.kind() == PlaidFailure.Kind.REJECTED
                && plaid.httpStatus() == 400 && "INVALID_INPUT".equals(plaid.errorType().orElse(null));
    }

    /** One attempt: anything but a readable 2xx becomes a {@link PlaidFailure} with Plaid's error fields. */
    private <T> T send(String operation, Function<PlaidOperations, Call<T>> request, Duration timeout)
            throws IOException {
        Response<T> response;
        try {
            Call<T> call = request.apply(clients.api());
            call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            response = call.execute();
        } catch (RuntimeException e) {
            if (e instanceof UpstreamFailure || e instanceof Misconfiguration || e instanceof DependencyUnavailable) {
                throw e;
            }
            // Gson could not read a 2xx body as the documented model.
            throw PlaidFailure.malformed(operation, 200);
        }
        if (!response.isSuccessful()) {
            throw readError(operation, response);
        }
        T body = response.body();
        if (body == null) {
            throw PlaidFailure.malformed(operation, response.code());
        }
        return body;
    }

    private static PlaidFailure readError(String operation, Response<?> response) {
        String errorType = null;
        String errorCode = null;
        String requestId = null;
        String displayMessage = null;
        try (ResponseBody errorBody = response.errorBody()) {
            if (errorBody != null && errorBody.contentLength() <= MAX_ERROR_BODY_BYTES) {
                JsonObject error = Json.boundedObject(errorBody.byteStream(), MAX_ERROR_BODY_BYTES);
                errorType = text(error, "error_type");
                errorCode = text(error, "error_code");
                requestId = text(error, "request_id");
                displayMessage = text(error, "display_message");
            }
        } catch (IOException | RuntimeException e) {
            // Not Plaid's error object (a proxy's HTML page, a cut connection): the status says enough.
        }
        return PlaidFailure.rejected(operation, response.code(), errorType, errorCode, requestId,
                displayMessage, UpstreamCall.retryAfter(response.headers().get("Retry-After")));
    }

    private static String text(JsonObject node, String field) {
        return Json.text(node, field).orElse(null);
    }

    private static <V> V required(V value, String operation) {
        if (value == null) {
            throw PlaidFailure.malformed(operation, 200);
        }
        return value;
    }

    private static BankAccount account(AccountBase account) {
        return new BankAccount(
                account.getAccountId(),
                account.getName(),
                account.getMask(),
                account.getType() == null ? null : account.getType().getValue(),
                account.getSubtype() == null ? null : account.getSubtype().getValue());
    }

    private static Products product(String value) {
        return Objects.requireNonNull(Products.fromValue(value), "product checked by Settings");
    }

    private static CountryCode countryCode(String value) {
        return Objects.requireNonNull(CountryCode.fromValue(value), "country code checked by Settings");
    }
}
