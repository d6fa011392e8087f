package dev.plaidknot.sim;

/**
 * An error as Plaid's API answers it: the HTTP status follows the error type
 * (INVALID_REQUEST, INVALID_INPUT, ITEM_ERROR → 400; RATE_LIMIT_EXCEEDED → 429; API_ERROR → 500).
 */
public record PlaidError(int status, String errorType, String errorCode, String errorMessage, String displayMessage) {

    public static PlaidError invalidRequest(String code, String message) {
        return new PlaidError(400, "INVALID_REQUEST", code, message, null);
    }

    public static PlaidError invalidInput(String code, String message) {
        return new PlaidError(400, "INVALID_INPUT", code, message, null);
    }

    public static PlaidError itemNotFound() {
        return new PlaidError(400, "ITEM_ERROR", "ITEM_NOT_FOUND",
                "the Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user", null);
    }

    public static PlaidError rateLimited() {
        return new PlaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT",
                "rate limit exceeded for this client", "Too many requests. Please try again later.");
    }

    public static PlaidError internalServerError() {
        return new PlaidError(500, "API_ERROR", "INTERNAL_SERVER_ERROR",
                "an unexpected error occurred", "Something went wrong. Please try again later.");
    }

    public static PlaidError plannedMaintenance() {
        return new PlaidError(503, "API_ERROR", "PLANNED_MAINTENANCE",
                "the Plaid API is undergoing maintenance", null);
    }

    /** Thrown inside the simulator to answer with this error. */
    public RuntimeException asException() {
        return new Answer(this);
    }

    static final class Answer extends RuntimeException {
        final PlaidError error;

        Answer(PlaidError error) {
            super(error.errorCode(), null, false, false);
            this.error = error;
        }
    }
}
