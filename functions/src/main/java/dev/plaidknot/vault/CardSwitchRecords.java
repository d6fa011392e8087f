package dev.plaidknot.vault;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the service keeps of CardSwitcher: each session it opened (found by the session's
 * fingerprint, never the session itself), each Knot webhook it applied, and where each
 * cardholder's card is on file.
 */
public interface CardSwitchRecords {

    /** A session the service opened: whose, for which card, until when. */
    record SessionRecord(String userId, String cardId, Instant expiresAt) {
    }

    /** Where a cardholder's card is (or failed to be) on file at one merchant. */
    record MerchantStatus(String merchantId, String merchantName, String cardId, String status, String reason,
                          Instant updatedAt) {
    }

    /** A webhook's claim: apply it, it was applied before, or another delivery is applying it now. */
    enum Claim { WON, ALREADY_APPLIED, IN_PROGRESS }

    void saveSession(String sessionFingerprint, SessionRecord session);

    Optional<SessionRecord> session(String sessionFingerprint);

    void extendSession(String sessionFingerprint, Instant expiresAt);

    /**
     * Claims the webhook {@code eventKey} until {@code leaseUntil}: only one delivery of a webhook
     * applies it, and a claim whose holder died runs out.
     */
    Claim claimEvent(String eventKey, String leaseOwner, Instant leaseUntil);

    /** The claimed webhook was applied: later deliveries are {@link Claim#ALREADY_APPLIED}. */
    void eventApplied(String eventKey, String leaseOwner);

    /** The claimed webhook could not be applied: the next delivery may try again. */
    void releaseEvent(String eventKey, String leaseOwner);

    /**
     * Records a merchant's status for the cardholder unless a later event is already recorded
     * there; says whether it did.
     */
    boolean recordMerchant(String userId, MerchantStatus status);

    /** The cardholder's merchants, the most recently updated first. */
    List<MerchantStatus> merchants(String userId);
}
