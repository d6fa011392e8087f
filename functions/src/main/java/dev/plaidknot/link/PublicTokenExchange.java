package dev.plaidknot.link;

import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.plaid.PlaidGateway.ExchangedItem;
import dev.plaidknot.plaid.PlaidGateway.ItemAccounts;
import dev.plaidknot.plaid.PlaidGateway.PlaidAccount;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.vault.TokenVault.NewItem;
import dev.plaidknot.vault.TokenVault;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the flow: public token → access token (stored first, encrypted) → the item's
 * accounts → one Knot processor token per selected account.
 *
 * <p>The access token is the one thing that cannot be had again, so it is written before any
 * other call. If it cannot be written, the item is removed at Plaid so that no unreachable
 * item is left billing, and the failure goes back to the caller as retryable.
 */
public final class PublicTokenExchange {

    private static final Logger LOG = LoggerFactory.getLogger(PublicTokenExchange.class);

    private final PlaidGateway plaid;
    private final TokenVault vault;
    private final ProcessorTokenIssuer issuer;

    public PublicTokenExchange(PlaidGateway plaid, TokenVault vault, ProcessorTokenIssuer issuer) {
        this.plaid = plaid;
        this.vault = vault;
        this.issuer = issuer;
    }

    public ExchangeResult exchange(String userId, ExchangeRequest request) {
        ExchangedItem item = plaid.exchangePublicToken(request.publicToken());
        saveOrRemove(userId, item, request);
        LOG.info("item stored item_id={} plaid_request_id={}", item.itemId(), item.requestId());

        ItemAccounts itemAccounts = plaid.getAccounts(item.accessToken());
        // Plaid's word on the institution beats the front end's; the item was saved with the latter.
        String institutionId = firstNonNull(itemAccounts.institutionId(), request.institutionId().orElse(null));
        String institutionName = firstNonNull(itemAccounts.institutionName(), request.institutionName().orElse(null));
        if (institutionId != null && (!institutionId.equals(request.institutionId().orElse(null))
                || !Objects.equals(institutionName, request.institutionName().orElse(null)))) {
            vault.recordInstitution(userId, item.itemId(), institutionId, institutionName);
        }

        // No accounts from Link (the sandbox shortcut) means every account of the item.
        boolean everyAccount = request.selectedAccountIds().isEmpty();
        Set<String> unmatched = new LinkedHashSet<>(request.selectedAccountIds());
        List<ExchangeResult.LinkedAccount> linked = new ArrayList<>();
        for (PlaidAccount account : itemAccounts.accounts()) {
            if (!unmatched.remove(account.accountId()) && !everyAccount) {
                continue;
            }
            var outcome = issuer.issue(userId, item.itemId(), item.accessToken(), account);
            linked.add(new ExchangeResult.LinkedAccount(account.accountId(), account.name(), account.mask(),
                    account.type(), account.subtype(), outcome.status()));
        }
        if (!unmatched.isEmpty()) {
            LOG.warn("selected accounts not in item item_id={} count={}", item.itemId(), unmatched.size());
        }
        return new ExchangeResult(item.itemId(), institutionId, institutionName, linked, List.copyOf(unmatched));
    }

    private static String firstNonNull(String preferred, String fallback) {
        return preferred != null ? preferred : fallback;
    }

    private void saveOrRemove(String userId, ExchangedItem item, ExchangeRequest request) {
        try {
            vault.saveItem(userId,
                    new NewItem(item.itemId(), request.institutionId().orElse(null), request.institutionName().orElse(null)),
                    item.accessToken());
        } catch (RuntimeException storeFailure) {
            try {
                plaid.removeItem(item.accessToken());
                LOG.error("access token not stored; item removed at Plaid item_id={}", item.itemId());
            } catch (PlaidFailure removeFailure) {
                // Logged for an operator to remove by hand: the item id is not a credential.
                LOG.error("access token not stored and item NOT removed at Plaid item_id={} plaid_error_code={} kind={}",
                        item.itemId(), removeFailure.errorCode().orElse("-"), removeFailure.kind());
            }
            throw storeFailure;
        }
    }
}
