package dev.plaidknot.domain;

/**
 * The service turning a request down for what it asks, in the domain's terms: the services say
 * what is wrong, and the HTTP layer alone decides what status that is. The message is written for
 * a front-end developer and never holds a token or what the caller sent.
 */
public abstract sealed class Refusal extends RuntimeException {

    /** What kind of refusal: the HTTP layer's one input besides the message. */
    public enum Reason {
        /** Unknown, or someone else's: the same answer, so no one learns what exists. */
        NOT_FOUND,
        /** The thing exists but is in a state that forbids this now. */
        CONFLICT,
        /** The request itself is wrong and repeating it will not help. */
        INVALID,
        /** The request could not be shown to come from who it claims. */
        UNVERIFIED,
        /** The request came from where this service does not take it from. */
        FORBIDDEN
    }

    private final Reason reason;

    private Refusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The caller has no item by that id. */
    public static final class ItemNotFound extends Refusal {
        public ItemNotFound() {
            super(Reason.NOT_FOUND, "item not found");
        }
    }

    /** The caller has no account by that id. */
    public static final class AccountNotFound extends Refusal {
        public AccountNotFound() {
            super(Reason.NOT_FOUND, "account not found");
        }
    }

    /** A sandbox-only feature asked for outside the sandbox: it does not exist there. */
    public static final class SandboxOnly extends Refusal {
        public SandboxOnly() {
            super(Reason.NOT_FOUND, "route not found");
        }
    }

    /** The public token was exchanged before: by someone else, or for an item since removed. */
    public static final class TokenAlreadyExchanged extends Refusal {
        public static TokenAlreadyExchanged byAnotherCaller() {
            // Say what Plaid would say, and nothing about the other link.
            return new TokenAlreadyExchanged("this public_token was already exchanged; open Link again for a new one");
        }

        public static TokenAlreadyExchanged itemSinceRemoved() {
            return new TokenAlreadyExchanged("this public_token was already exchanged and its item since removed; "
                    + "open Link again for a new one");
        }

        private TokenAlreadyExchanged(String message) {
            super(Reason.INVALID, message);
        }
    }

    /** Another request holds the public token's exchange and did not finish within this one's time. */
    public static final class ExchangeInProgress extends Refusal {
        public ExchangeInProgress() {
            super(Reason.CONFLICT, "this public_token is being exchanged by another request; retry shortly");
        }
    }

    /** The cardholder revoked access to the account at their bank. */
    public static final class AccountRevoked extends Refusal {
        public AccountRevoked() {
            super(Reason.CONFLICT, "the cardholder revoked access to this account at their bank");
        }
    }

    /** The account has no Knot processor token: Plaid refused one. */
    public static final class NoProcessorToken extends Refusal {
        public NoProcessorToken() {
            super(Reason.CONFLICT, "this account has no Knot processor token (Plaid refused it); "
                    + "retry the exchange or link the account again");
        }
    }

    /** A page cursor this service did not hand out. */
    public static final class UnknownCursor extends Refusal {
        public UnknownCursor() {
            super(Reason.INVALID, "cursor is not one this API returned");
        }
    }

    /** A webhook whose signature does not verify. */
    public static final class WebhookNotVerified extends Refusal {
        public WebhookNotVerified() {
            super(Reason.UNVERIFIED, "webhook verification failed");
        }
    }

    /** The caller holds no card by that id (the card platform's word), or there is no such card. */
    public static final class CardNotFound extends Refusal {
        public CardNotFound() {
            super(Reason.NOT_FOUND, "card not found");
        }
    }

    /** No open Knot session of the caller's by that id. */
    public static final class SessionNotFound extends Refusal {
        public SessionNotFound() {
            super(Reason.NOT_FOUND, "session not found");
        }
    }

    /** A webhook from an address the service does not take Knot's webhooks from. */
    public static final class WebhookSourceNotAllowed extends Refusal {
        public WebhookSourceNotAllowed() {
            super(Reason.FORBIDDEN, "webhooks are not accepted from this address");
        }
    }

    /** The same webhook is being applied by another delivery right now. */
    public static final class WebhookInProgress extends Refusal {
        public WebhookInProgress() {
            super(Reason.CONFLICT, "this webhook is being applied by another delivery; retry shortly");
        }
    }
}
