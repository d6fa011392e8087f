package dev.plaidknot.knot;

/** Knot's API as this service uses it: a CardSwitcher session for a cardholder. */
public interface KnotGateway {

    /**
     * A CardSwitcher session; with a Plaid processor token Knot reads the cardholder's
     * transactions to order merchants. The returned session id must never be logged.
     */
    String createCardSwitcherSession(String externalUserId, String cardId, String processorToken);

    KnotEnvironment environment();
}
