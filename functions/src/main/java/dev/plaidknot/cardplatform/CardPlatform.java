package dev.plaidknot.cardplatform;

/**
 * The issuer's card platform: which cards a cardholder holds, and a card's details sealed for
 * Knot. The service never sees a card number; it passes Knot's public key in and the sealed card
 * on. A failing, slow or garbled platform is a dependency failure, never an answer.
 */
public interface CardPlatform {

    /** Whether this cardholder holds this card. */
    boolean holdsCard(String userId, String cardId);

    /**
     * The cardholder's card and details as a compact JWE under Knot's key ({@code knotJwk}, a JWK
     * JSON object). Never logged.
     */
    String cardJwe(String userId, String cardId, String knotJwk);
}
