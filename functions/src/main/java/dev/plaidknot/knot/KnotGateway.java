package dev.plaidknot.knot;

/** Knot's API as this service uses it: CardSwitcher sessions, and the switch of a card. */
public interface KnotGateway {

    /**
     * A CardSwitcher session; with a Plaid processor token Knot reads the cardholder's
     * transactions to order merchants. The returned session id must never be logged.
     */
    String createCardSwitcherSession(String externalUserId, String cardId, String processorToken);

    /** Another 30 minutes for an open session. */
    void extendSession(String session);

    /** Knot's RSA public key for card JWEs, as a JWK JSON object; kept a while once fetched. */
    String cardEncryptionKey();

    /** Sends the card (a compact JWE under {@link #cardEncryptionKey()}) for the task Knot named. Never repeated. */
    void switchCard(String taskId, String jwe);

    /**
     * Whether {@code signature} (the {@code Knot-Signature} header) is Knot's HMAC over the
     * webhook's signed fields, compared in constant time.
     */
    boolean signedByKnot(KnotWebhookSignature.SignedFields fields, String signature);

    KnotEnvironment environment();
}
