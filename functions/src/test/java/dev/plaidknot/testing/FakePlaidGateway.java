package dev.plaidknot.testing;

import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.plaid.PlaidEnvironment;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.plaid.PlaidGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory Plaid for unit tests: public tokens work once, items have three accounts, and a
 * queued failure is thrown by the next call to the named operation. Records what was called.
 */
public final class FakePlaidGateway implements PlaidGateway {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<String> removedAccessTokens = new CopyOnWriteArrayList<>();
    public final Map<String, String> accessTokensByItem = new ConcurrentHashMap<>();
    public LinkTokenRequest lastLinkTokenRequest;
    public final Map<String, WebhookKey> webhookKeys = new ConcurrentHashMap<>();
    /** The error each item (by access token) has at Plaid now; absent when it works. */
    public final Map<String, String> itemErrors = new ConcurrentHashMap<>();
    public PlaidEnvironment environment = PlaidEnvironment.SANDBOX;
    private final Map<String, Boolean> publicTokens = new ConcurrentHashMap<>();
    private final Map<String, Deque<PlaidFailure>> failures = new ConcurrentHashMap<>();

    public String newPublicToken() {
        String token = "public-sandbox-" + UUID.randomUUID();
        publicTokens.put(token, true);
        return token;
    }

    public void failNext(String operation, PlaidFailure failure) {
        failures.computeIfAbsent(operation, o -> new ConcurrentLinkedDeque<>()).add(failure);
    }

    /** The next call of {@code operation} about this account fails, whatever order concurrent calls come in. */
    public void failNextForAccount(String operation, String accountId, PlaidFailure failure) {
        failNext(operation + "#" + accountId, failure);
    }

    public static PlaidFailure serverError(String operation) {
        return PlaidFailure.rejected(operation, 500, "API_ERROR", "INTERNAL_SERVER_ERROR", "req-500", null, null);
    }

    public static PlaidFailure rateLimited(String operation) {
        return PlaidFailure.rejected(operation, 429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "req-429", null,
                Duration.ofSeconds(7));
    }

    private void call(String operation) {
        calls.add(operation);
        Deque<PlaidFailure> queued = failures.get(operation);
        PlaidFailure failure = queued == null ? null : queued.poll();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public LinkToken createLinkToken(LinkTokenRequest request) {
        call("link/token/create");
        lastLinkTokenRequest = request;
        return new LinkToken("link-sandbox-" + UUID.randomUUID(), "2026-11-25T18:00:00Z", "req-link");
    }

    @Override
    public ExchangedItem exchangePublicToken(String publicToken) {
        call("item/public_token/exchange");
        if (publicTokens.remove(publicToken) == null) {
            throw PlaidFailure.rejected("item/public_token/exchange", 400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN",
                    "req-bad-token", null, null);
        }
        String itemId = "item-" + UUID.randomUUID();
        String accessToken = "access-sandbox-" + UUID.randomUUID();
        accessTokensByItem.put(itemId, accessToken);
        return new ExchangedItem(itemId, accessToken, "req-exchange");
    }

    @Override
    public ItemAccounts getAccounts(String accessToken) {
        call("accounts/get");
        return new ItemAccounts("ins_109508", "First Platypus Bank", List.of(
                new BankAccount("acc-checking", "Plaid Checking", "0000", "depository", "checking"),
                new BankAccount("acc-saving", "Plaid Saving", "1111", "depository", "savings"),
                new BankAccount("acc-credit", "Plaid Credit Card", "3333", "credit", "credit card")));
    }

    @Override
    public String createKnotProcessorToken(String accessToken, String accountId) {
        PlaidFailure forAccount = Optional.ofNullable(failures.get("processor/token/create#" + accountId))
                .map(Deque::poll).orElse(null);
        if (forAccount != null) {
            calls.add("processor/token/create");
            throw forAccount;
        }
        call("processor/token/create");
        return "processor-sandbox-" + UUID.randomUUID();
    }

    @Override
    public void removeItem(String accessToken) {
        call("item/remove");
        removedAccessTokens.add(accessToken);
    }

    @Override
    public Optional<String> itemErrorCode(String accessToken) {
        call("item/get");
        return Optional.ofNullable(itemErrors.get(accessToken));
    }

    @Override
    public Optional<WebhookKey> getWebhookVerificationKey(String keyId) {
        call("webhook_verification_key/get");
        return Optional.ofNullable(webhookKeys.get(keyId));
    }

    @Override
    public String createSandboxPublicToken(String institutionId, List<String> products, String webhookUrl) {
        call("sandbox/public_token/create");
        return newPublicToken();
    }

    @Override
    public PlaidEnvironment environment() {
        return environment;
    }
}
