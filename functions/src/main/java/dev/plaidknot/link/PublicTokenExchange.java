package dev.plaidknot.link;

import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.domain.Fingerprint;
import dev.plaidknot.domain.Refusal.ExchangeInProgress;
import dev.plaidknot.domain.Refusal.ItemNotFound;
import dev.plaidknot.domain.Refusal.TokenAlreadyExchanged;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.plaid.PlaidGateway.ExchangedItem;
import dev.plaidknot.plaid.PlaidGateway.ItemAccounts;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.upstream.RequestBudget;
import dev.plaidknot.vault.ExchangeLedger.Entry;
import dev.plaidknot.vault.ExchangeLedger.Lease;
import dev.plaidknot.vault.ExchangeLedger;
import dev.plaidknot.vault.TokenVault.AccountView;
import dev.plaidknot.vault.TokenVault.HeldExchange;
import dev.plaidknot.vault.TokenVault.ItemView;
import dev.plaidknot.vault.TokenVault.NewItem;
import dev.plaidknot.vault.TokenVault;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the flow: public token → access token (stored first, encrypted) → the item's
 * accounts → one Knot processor token per selected account ({@link ProcessorTokenIssuer}: the
 * accounts at the same time, each account's failure its own, their records in one write).
 *
 * <p>The access token is the one thing that cannot be had again, so it is written before any
 * other call, and the exchange at Plaid gets only the time that leaves room to store it or, when
 * it cannot be stored, to remove the item at Plaid so that no unreachable item is left billing.
 *
 * <p>Front ends retry. Each public token gets one {@link ExchangeLedger} record (keyed by its
 * hash) with the accounts Link selected. Whoever works on it holds its lease, until its function's
 * timeout: a retry, sequential or concurrent, waits for the holder, answers with the first
 * exchange's result, takes over from a holder that let go or died (finishing every selected
 * account), or fills in processor tokens that failed, holding the lease while it does.
 */
public final class PublicTokenExchange {

    private static final Logger LOG = LoggerFactory.getLogger(PublicTokenExchange.class);

    /**
     * Past the function's timeout, for clocks that differ between execution environments: a lease
     * runs out only when its holder is certainly gone.
     */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(2);
    private static final int MAX_CLAIM_ROUNDS = 3;
    private final PlaidGateway plaid;
    private final TokenVault vault;
    private final ProcessorTokenIssuer issuer;
    private final ExchangeLedger ledger;
    private final Clock clock;
    private final Duration storeThenRemove;

    /**
     * @param plaidCallTimeout the longest one Plaid call may take: with the vault's
     *     {@link TokenVault#saveItemWorstCase()}, the time the exchange leaves to store its access
     *     token or remove the item at Plaid
     */
    public PublicTokenExchange(PlaidGateway plaid, TokenVault vault, ProcessorTokenIssuer issuer,
                               ExchangeLedger ledger, Clock clock, Duration plaidCallTimeout) {
        this.plaid = plaid;
        this.vault = vault;
        this.issuer = issuer;
        this.ledger = ledger;
        this.clock = clock;
        this.storeThenRemove = vault.saveItemWorstCase().plus(plaidCallTimeout);
    }

    public ExchangeResult exchange(String userId, ExchangeRequest request) {
        String tokenHash = Fingerprint.of(request.publicToken());
        for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
            Lease lease = Lease.until(RequestBudget.functionDeadline().plus(LEASE_MARGIN));
            ExchangeLedger.Claim claim = ledger.claim(tokenHash, userId, request.selectedAccountIds(), lease);
            if (claim instanceof ExchangeLedger.Claim.Won) {
                return firstExchange(userId, request, tokenHash, lease);
            }
            Entry entry = ((ExchangeLedger.Claim.Taken) claim).entry();
            if (!entry.userId().equals(userId)) {
                throw TokenAlreadyExchanged.byAnotherCaller();
            }
            entry = awaitLeaseFree(tokenHash, entry);
            if (entry == null) {
                continue; // the first attempt failed and let go: claim again
            }
            if (entry.completed()) {
                ExchangeResult first = ExchangeResult.fromJson(entry.resultJson());
                // Linked, then removed: the first answer names an item that no longer exists.
                ItemView item = vault.item(userId, first.itemId())
                        .orElseThrow(TokenAlreadyExchanged::itemSinceRemoved);
                if (first.accounts().stream().noneMatch(ExchangeResult.LinkedAccount::tokenFailed)) {
                    return first;
                }
                if (!ledger.takeOver(tokenHash, entry, lease)) {
                    continue; // another retry is filling the gaps: wait for it
                }
                return finish(userId, tokenHash, lease, entry, first, item);
            }
            if (!ledger.takeOver(tokenHash, entry, lease)) {
                continue;
            }
            LOG.atWarn().addKeyValue("item_stored", entry.itemId() != null).log("taking over an abandoned exchange");
            return entry.itemId() != null ? finish(userId, tokenHash, lease, entry, null, null)
                    : firstExchange(userId, request, tokenHash, lease);
        }
        throw conflict();
    }

    private ExchangeResult firstExchange(String userId, ExchangeRequest request, String tokenHash, Lease lease) {
        ExchangedItem item;
        try {
            item = RequestBudget.keepingBack(storeThenRemove, () -> plaid.exchangePublicToken(request.publicToken()));
        } catch (RuntimeException failure) {
            releaseQuietly(tokenHash, lease);
            throw failure;
        }
        saveOrRemove(userId, item, request, tokenHash, lease);
        LOG.atInfo().addKeyValue("item_id", item.itemId()).addKeyValue("plaid_request_id", item.requestId())
                .log("access token stored");

        try {
            ExchangeResult result = linkAccounts(userId, request, item);
            completeQuietly(tokenHash, lease, result);
            Telemetry.count("ExchangesCompleted");
            return result;
        } catch (RuntimeException failure) {
            // The item is safe; let the caller's retry take over at once and finish the accounts.
            bestEffort("hand the exchange over to a retry", () -> ledger.abandon(tokenHash, lease));
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
        Selection selection = select(request.selectedAccountIds(), itemAccounts.accounts());
        List<ExchangeResult.LinkedAccount> linked = issue(userId, item.itemId(), item.accessToken(), selection.accounts());
        return new ExchangeResult(item.itemId(), institutionId, institutionName, linked, selection.unmatched());
    }

    /**
     * Carries a stored item's exchange to its end, holding the lease: every account the first
     * request selected gets a processor token unless it has one or its cardholder revoked it.
     * {@code first} is the completed result whose failed tokens to fill, with its {@code item} as
     * stored, or both null for an exchange abandoned before completing (its accounts then come from
     * Plaid and the recorded selection). Any failure lets the lease go, for the next retry.
     */
    private ExchangeResult finish(String userId, String tokenHash, Lease lease, Entry entry, ExchangeResult first,
                                  ItemView knownItem) {
        String itemId = first != null ? first.itemId() : entry.itemId();
        ItemView item;
        List<BankAccount> selected;
        List<String> unmatched;
        List<ExchangeResult.LinkedAccount> linked;
        try {
            item = knownItem != null ? knownItem : vault.item(userId, itemId).orElseThrow(ItemNotFound::new);
            String accessToken = vault.accessToken(userId, itemId).orElseThrow(ItemNotFound::new);
            if (first != null) {
                selected = first.accounts().stream().map(ExchangeResult.LinkedAccount::account).toList();
                unmatched = first.unmatchedAccountIds();
            } else {
                Selection selection = select(entry.selectedAccountIds(), plaid.getAccounts(accessToken).accounts());
                selected = selection.accounts();
                unmatched = selection.unmatched();
            }
            Map<String, String> settled = new HashMap<>();
            for (AccountView there : item.accounts()) {
                if ("created".equals(there.processorTokenStatus()) || "revoked".equals(there.status())) {
                    settled.put(there.accountId(), there.processorTokenStatus());
                }
            }
            List<BankAccount> unsettled = selected.stream().filter(a -> !settled.containsKey(a.accountId())).toList();
            List<String> filled = issuer.issue(userId, itemId, accessToken, unsettled);
            Map<String, String> statuses = new HashMap<>(settled);
            for (int i = 0; i < unsettled.size(); i++) {
                statuses.put(unsettled.get(i).accountId(), filled.get(i));
            }
            linked = selected.stream().map(a -> new ExchangeResult.LinkedAccount(a, statuses.get(a.accountId()))).toList();
        } catch (RuntimeException failure) {
            bestEffort("hand the exchange over to a retry", () -> ledger.abandon(tokenHash, lease));
            throw failure;
        }
        ExchangeResult result = new ExchangeResult(itemId, item.institutionId(), item.institutionName(), linked, unmatched);
        completeQuietly(tokenHash, lease, result);
        if (first == null) {
            Telemetry.count("ExchangesCompleted");
        }
        return result;
    }

    private List<ExchangeResult.LinkedAccount> issue(String userId, String itemId, String accessToken,
                                                     List<BankAccount> accounts) {
        List<String> statuses = issuer.issue(userId, itemId, accessToken, accounts);
        List<ExchangeResult.LinkedAccount> linked = new ArrayList<>(accounts.size());
        for (int i = 0; i < accounts.size(); i++) {
            linked.add(new ExchangeResult.LinkedAccount(accounts.get(i), statuses.get(i)));
        }
        return linked;
    }

    private record Selection(List<BankAccount> accounts, List<String> unmatched) {
    }

    /** Link's chosen accounts among the item's; none chosen (the sandbox shortcut) means all. */
    private static Selection select(List<String> selectedAccountIds, List<BankAccount> itemAccounts) {
        boolean everyAccount = selectedAccountIds.isEmpty();
        Set<String> unmatched = new LinkedHashSet<>(selectedAccountIds);
        List<BankAccount> selected = new ArrayList<>();
        for (BankAccount account : itemAccounts) {
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
     * Waits while another request holds the lease, polling the record with growing pauses. Returns
     * the record once its lease is let go or ran out, null if it was released, and answers 409 if
     * the request's budget runs out first.
     */
    private Entry awaitLeaseFree(String tokenHash, Entry entry) {
        Entry current = entry;
        long pauseMillis = 25;
        while (current.heldAt(clock.instant())) {
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

    private static ExchangeInProgress conflict() {
        return new ExchangeInProgress();
    }

    private void saveOrRemove(String userId, ExchangedItem item, ExchangeRequest request, String tokenHash,
                              Lease lease) {
        try {
            vault.saveItem(userId,
                    new NewItem(item.itemId(), request.institutionId().orElse(null), request.institutionName().orElse(null)),
                    item.accessToken(), new HeldExchange(tokenHash, lease.owner()));
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
            releaseQuietly(tokenHash, lease);
            throw storeFailure;
        }
    }

    private void releaseQuietly(String tokenHash, Lease lease) {
        bestEffort("release the exchange claim", () -> ledger.release(tokenHash, lease));
    }

    /** The result is the caller's either way; a retry that finds no completed record finishes it again. */
    private void completeQuietly(String tokenHash, Lease lease, ExchangeResult result) {
        bestEffort("complete the exchange", () -> {
            if (!ledger.complete(tokenHash, lease, result.toJson().toString())) {
                LOG.atWarn().log("the exchange's lease passed to another request before it completed");
            }
        });
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
}
