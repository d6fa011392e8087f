package dev.plaidknot.link;

import dev.plaidknot.domain.Refusal.ItemNotFound;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.vault.TokenVault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Undoing a user's link to their bank: at Plaid first, then here. */
public final class ItemRemoval {

    private static final Logger LOG = LoggerFactory.getLogger(ItemRemoval.class);

    private final PlaidGateway plaid;
    private final TokenVault vault;

    public ItemRemoval(PlaidGateway plaid, TokenVault vault) {
        this.plaid = plaid;
        this.vault = vault;
    }

    /**
     * Removes the item at Plaid (which also invalidates its Knot processor tokens), then deletes
     * its records. If Plaid cannot be reached nothing is deleted, so the call can be repeated;
     * if Plaid has already forgotten the item, the records go anyway.
     */
    public void remove(String userId, String itemId) {
        String accessToken = vault.accessToken(userId, itemId).orElseThrow(ItemNotFound::new);
        try {
            plaid.removeItem(accessToken);
        } catch (PlaidFailure failure) {
            if (!failure.isCode("ITEM_NOT_FOUND")) {
                throw unavailableUnlessRefused(failure);
            }
            LOG.atInfo().addKeyValue("item_id", itemId).addKeyValue("plaid_request_id", failure.requestId().orElse(null))
                    .log("item already gone at Plaid");
        }
        vault.deleteItem(userId, itemId);
    }

    /** Plaid being down or slow is a retryable 503 here: the removal has not happened. */
    private static RuntimeException unavailableUnlessRefused(PlaidFailure failure) {
        boolean transient_ = switch (failure.kind()) {
            case TIMEOUT, UNREACHABLE -> true;
            case REJECTED -> failure.httpStatus() >= 500;
            case MALFORMED -> false;
        };
        if (!transient_) {
            return failure;
        }
        LOG.atWarn().addKeyValue("plaid_failure", failure.kind().name())
                .addKeyValue("plaid_error_code", failure.errorCode().orElse(null)).log("item removal deferred: Plaid unavailable");
        return new DependencyUnavailable("plaid", failure.errorCode().orElse(failure.kind().name()),
                failure.requestId().orElse(null));
    }
}
