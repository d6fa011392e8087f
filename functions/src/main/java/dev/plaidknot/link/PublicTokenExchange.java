package dev.plaidknot.link;

import dev.plaidknot.api.ApiError;
import dev.plaidknot.api.DependencyUnavailable;
import dev.plaidknot.api.RequestBudget;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.plaid.PlaidGateway.ExchangedItem;
import dev.plaidknot.plaid.PlaidGateway.ItemAccounts;
import dev.plaidknot.plaid.PlaidGateway.PlaidAccount;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.vault.ExchangeLedger.Entry;
import dev.plaidknot.vault.ExchangeLedger;
import dev.plaidknot.vault.TokenVault.ItemView;
import dev.plaidknot.vault.TokenVault.NewItem;
import dev.plaidknot.vault.TokenVault;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the flow: public token → access token (stored first, encrypted) → the item's
 * accounts → one Knot processor token per selected account.
 *
 * <p>The access token is the one thing that cannot be had again, so it is written before any
 * other call. If it cannot be written, the item is removed at Plaid so that no unreachable item
 * is left billing, and the failure goes back to the caller as retryable.
 *
 * <p>Front ends retry. Each public token gets one {@link ExchangeLedger} record (keyed by its
 * hash), so a retry, sequential or concurrent, answers with the first exchange's result instead
 * of exchanging twice, and fills in any processor token that failed the first time.
 */
public final class PublicTokenExchange {

    private static final Logger LOG = LoggerFactory.getLogger(PublicTokenExchange.class);

    /** How long a claim is held before another request may take over: the function's timeout. */
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final int MAX_CLAIM_ROUNDS = 3;

    private final PlaidGateway plaid;
    private final TokenVault vault;
    private final ProcessorTokenIssuer issuer;
    private final ExchangeLedger ledger;
    private final Clock clock;

    public PublicTokenExchange(PlaidGateway plaid, TokenVault vault, ProcessorTokenIssuer issuer,
                               ExchangeLedger ledger, Clock clock) {
        this.plaid = plaid;
        this.vault = vault;
        this.issuer = issuer;
        this.ledger = ledger;
        this.clock = clock;
    }

    public ExchangeResult exchange(String userId, ExchangeRequest request) {
        String tokenHash = sha256(request.publicToken());
        for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
            ExchangeLedger.Claim claim = ledger.claim(tokenHash, userId, clock.instant().plus(LEASE));
            if (claim instanceof ExchangeLedger.Claim.Won) {
                return firstExchange(userId, request, tokenHash);
            }
            Entry entry = ((ExchangeLedger.Claim.Taken) claim).entry();
            if (!entry.userId().equals(userId)) {
                // Someone else's link: say what Plaid would say, and nothing about theirs.
                throw ApiError.badRequest("this public_token was already exchanged; open Link again for a new one");
            }
            entry = awaitSettled(tokenHash, entry);
            if (entry == null) {
                continue; // the first attempt failed and let go: claim again
            }
            if (entry.completed()) {
                ExchangeResult first = ExchangeResult.fromJson(entry.resultJson());
                if (vault.item(userId, first.itemId()).isEmpty()) {
                    // Linked, then removed: the first answer names an item that no longer exists.
                    throw ApiError.badRequest("this public_token was already exchanged and its item since removed; "
                            + "open Link again for a new one");
                }
                ExchangeResult filled = fillGaps(userId, first, () -> vault.accessToken(userId, first.itemId())
                        .orElseThrow(() -> ApiError.notFound("item")));
                if (filled != first) {
                    bestEffort("record the filled exchange", () -> ledger.complete(tokenHash, filled.toJson().toString()));
                }
                return filled;
            }
            if (!ledger.takeOver(tokenHash, entry.leaseUntil(), clock.instant().plus(LEASE))) {
                continue;
            }
            LOG.atWarn().addKeyValue("item_stored", entry.itemId() != null).log("taking over an abandoned exchange");
            return entry.itemId() != null ? resume(userId, request, tokenHash, entry)
                    : firstExchange(userId, request, tokenHash);
        }
        throw conflict();
    }

    private ExchangeResult firstExchange(String userId, ExchangeRequest request, String tokenHash) {
        ExchangedItem item;
        try {
            item = plaid.exchangePublicToken(request.publicToken());
        } catch (RuntimeException failure) {
            releaseQuietly(tokenHash);
            throw failure;
        }
        saveOrRemove(userId, item, request, tokenHash);
        LOG.atInfo().addKeyValue("item_id", item.itemId()).addKeyValue("plaid_request_id", item.requestId())
                .log("access token stored");
        bestEffort("record the item", () -> ledger.recordItem(tokenHash, item.itemId()));

        try {
            ExchangeResult result = linkAccounts(userId, request, item);
            bestEffort("complete the exchange", () -> ledger.complete(tokenHash, result.toJson().toString()));
            Telemetry.count("ExchangesCompleted");
            return result;
        } catch (RuntimeException failure) {
            // The item is safe; let the caller's retry take over at once and finish the accounts.
            bestEffort("hand the exchange over to a retry", () -> ledger.abandon(tokenHash));
            throw failure;
        }
    }

    private ExchangeResult linkAccounts(String userId, ExchangeRequest request, ExchangedItem item) {
        ItemAccounts itemAccounts = plaid.getAccounts(item.accessToken());
        // Plaid's word on the institution beats the front end's; the item was saved with the latter.
        String institutionId = firstNonNull(itemAccounts.institutionId(), request.institutionId().orElse(null));
        String institutionName = firstNonNull(itemAccounts.institutionName(), request.institutionName().orElse(null));
        if (institutionId != null && (!institutionId.equals(request.institutionId().orElse(null))
                || !Objects.equals(institutionName, request.institutionName().orElse(null)))) {
            vault.recordInstitution(userId, item.itemId(), institutionId, institutionName);
        }
        Selection selection = select(request, itemAccounts.accounts());
        List<ExchangeResult.LinkedAccount> linked = new ArrayList<>();
        for (PlaidAccount account : selection.accounts()) {
            linked.add(issue(userId, item.itemId(), item.accessToken(), account));
        }
        return new ExchangeResult(item.itemId(), institutionId, institutionName, linked, selection.unmatched());
    }

    /** An abandoned exchange whose item is stored: carry on from what the vault holds. */
    private ExchangeResult resume(String userId, ExchangeRequest request, String tokenHash, Entry entry) {
        ItemView item = vault.item(userId, entry.itemId()).orElseThrow(() -> ApiError.notFound("item"));
        String accessToken = vault.accessToken(userId, entry.itemId()).orElseThrow(() -> ApiError.notFound("item"));
        List<ExchangeResult.LinkedAccount> linked = new ArrayList<>();
        List<String> unmatched = List.of();
        if (item.accounts().isEmpty()) {
            Selection selection = select(request, plaid.getAccounts(accessToken).accounts());
            unmatched = selection.unmatched();
            for (PlaidAccount account : selection.accounts()) {
                linked.add(issue(userId, item.itemId(), accessToken, account));
            }
        } else {
            item.accounts().forEach(a -> linked.add(new ExchangeResult.LinkedAccount(a.accountId(), a.name(),
                    a.mask(), a.type(), a.subtype(), a.processorTokenStatus())));
        }
        ExchangeResult result = new ExchangeResult(item.itemId(), item.institutionId(), item.institutionName(),
                linked, unmatched);
        ExchangeResult finished = fillGaps(userId, result, () -> accessToken);
        bestEffort("complete the exchange", () -> ledger.complete(tokenHash, finished.toJson().toString()));
        Telemetry.count("ExchangesCompleted");
        return finished;
    }

    /**
     * Accounts whose processor token failed get another try; the same result when none failed.
     * The access token is only decrypted when there is something to fill.
     */
    private ExchangeResult fillGaps(String userId, ExchangeResult result, Supplier<String> accessTokens) {
        if (result.accounts().stream().noneMatch(ExchangeResult.LinkedAccount::tokenFailed)) {
            return result;
        }
        String accessToken = accessTokens.get();
        List<ExchangeResult.LinkedAccount> accounts = new ArrayList<>();
        for (ExchangeResult.LinkedAccount account : result.accounts()) {
            accounts.add(account.tokenFailed()
                    ? issue(userId, result.itemId(), accessToken, new PlaidAccount(account.accountId(), account.name(),
                            account.mask(), account.type(), account.subtype()))
                    : account);
        }
        return result.withAccounts(accounts);
    }

    private ExchangeResult.LinkedAccount issue(String userId, String itemId, String accessToken, PlaidAccount account) {
        var outcome = issuer.issue(userId, itemId, accessToken, account);
        return new ExchangeResult.LinkedAccount(account.accountId(), account.name(), account.mask(), account.type(),
                account.subtype(), outcome.status());
    }

    private record Selection(List<PlaidAccount> accounts, List<String> unmatched) {
    }

    /** Link's chosen accounts among the item's; none chosen (the sandbox shortcut) means all. */
    private static Selection select(ExchangeRequest request, List<PlaidAccount> itemAccounts) {
        boolean everyAccount = request.selectedAccountIds().isEmpty();
        Set<String> unmatched = new LinkedHashSet<>(request.selectedAccountIds());
        List<PlaidAccount> selected = new ArrayList<>();
        for (PlaidAccount account : itemAccounts) {
            if (unmatched.remove(account.accountId()) || everyAccount) {
                selected.add(account);
            }
        }
        if (!unmatched.isEmpty()) {
            LOG.atWarn().addKeyValue("count", unmatched.size()).log("selected accounts not in the item");
        }
        return new Selection(selected, List.copyOf(unmatched));
    }

    /**
     * Waits while another request holds the claim, polling the record with growing pauses. Returns
     * the record once it is complete or its lease ran out, null if it was released, and answers
     * 409 if the request's budget runs out first.
     */
    private Entry awaitSettled(String tokenHash, Entry entry) {
        Entry current = entry;
        long pauseMillis = 25;
        while (!current.completed() && clock.instant().isBefore(current.leaseUntil())) {
            if (RequestBudget.remaining().toMillis() < pauseMillis + 1_000) {
                throw conflict();
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw conflict();
            }
            pauseMillis = Math.min(pauseMillis * 2, 400);
            current = ledger.read(tokenHash).orElse(null);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static ApiError conflict() {
        return new ApiError(409, "CONFLICT", "this public_token is being exchanged by another request; retry shortly");
    }

    private void saveOrRemove(String userId, ExchangedItem item, ExchangeRequest request, String tokenHash) {
        try {
            vault.saveItem(userId,
                    new NewItem(item.itemId(), request.institutionId().orElse(null), request.institutionName().orElse(null)),
                    item.accessToken());
        } catch (Throwable storeFailure) {
            // Anything at all, a crash included: an access token we cannot keep must not stay live at Plaid.
            try {
                plaid.removeItem(item.accessToken());
                LOG.atError().addKeyValue("item_id", item.itemId()).log("access token not stored; item removed at Plaid");
            } catch (PlaidFailure removeFailure) {
                // Logged for an operator to remove by hand: the item id is not a credential.
                LOG.atError().addKeyValue("item_id", item.itemId())
                        .addKeyValue("plaid_error_code", removeFailure.errorCode().orElse(null))
                        .addKeyValue("plaid_failure", removeFailure.kind().name())
                        .log("access token not stored and item NOT removed at Plaid: remove it by hand");
            }
            releaseQuietly(tokenHash);
            throw storeFailure;
        }
    }

    private void releaseQuietly(String tokenHash) {
        bestEffort("release the exchange claim", () -> ledger.release(tokenHash));
    }

    /** Ledger writes after the fact: the caller's answer does not hang on them. */
    private static void bestEffort(String what, Runnable write) {
        try {
            write.run();
        } catch (DependencyUnavailable e) {
            LOG.atWarn().addKeyValue("dependency", e.dependency()).addKeyValue("aws_error_code", e.awsErrorCode())
                    .log("could not " + what);
        }
    }

    private static String firstNonNull(String preferred, String fallback) {
        return preferred != null ? preferred : fallback;
    }

    static String sha256(String publicToken) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(publicToken.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
