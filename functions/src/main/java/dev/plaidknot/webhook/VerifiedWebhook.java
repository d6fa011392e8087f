package dev.plaidknot.webhook;

/**
 * A webhook whose signature, body hash and age were checked.
 *
 * @param issuedAt the JWT's {@code iat}, in epoch seconds: orders deliveries
 * @param deliveryId a hash of the signed JWT: the same delivery replayed has the same id
 */
public record VerifiedWebhook(long issuedAt, String deliveryId, byte[] body) {
}
