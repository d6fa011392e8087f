package dev.plaidknot.plaid;

import dev.plaidknot.api.UpstreamFailure;
import java.time.Duration;
import java.util.Optional;

/**
 * Plaid did not do what was asked. Holds Plaid's own error fields (never its raw body) so the
 * caller can be told {@code plaid_error_code} and {@code request_id}, and nothing else.
 */
public final class PlaidFailure extends RuntimeException implements UpstreamFailure {

    public enum Kind {
        /** Plaid answered with an error object (4xx or 5xx). */
        REJECTED,
        /** No answer within the call's budget. */
        TIMEOUT,
        /** The connection failed before Plaid answered. */
        UNREACHABLE,
        /** Plaid answered 2xx with a body that is not the documented response. */
        MALFORMED
    }

    private final Kind kind;
    private final String operation;
    private final int httpStatus;
    private final String errorType;
    private final String errorCode;
    private final String requestId;
    private final String displayMessage;
    private final Duration retryAfter;

    private PlaidFailure(Kind kind, String operation, int httpStatus, String errorType, String errorCode,
                         String requestId, String displayMessage, Duration retryAfter) {
        super(describe(kind, operation, httpStatus, errorCode), null, false, false);
        this.kind = kind;
        this.operation = operation;
        this.httpStatus = httpStatus;
        this.errorType = errorType;
        this.errorCode = errorCode;
        this.requestId = requestId;
        this.displayMessage = displayMessage;
        this.retryAfter = retryAfter;
    }

    public static PlaidFailure rejected(String operation, int httpStatus, String errorType, String errorCode,
                                        String requestId, String displayMessage, Duration retryAfter) {
        return new PlaidFailure(Kind.REJECTED, operation, httpStatus, errorType, errorCode, requestId,
                displayMessage, retryAfter);
    }

    public static PlaidFailure timeout(String operation) {
        return new PlaidFailure(Kind.TIMEOUT, operation, 0, null, null, null, null, null);
    }

    public static PlaidFailure unreachable(String operation) {
        return new PlaidFailure(Kind.UNREACHABLE, operation, 0, null, null, null, null, null);
    }

    public static PlaidFailure malformed(String operation, int httpStatus) {
        return new PlaidFailure(Kind.MALFORMED, operation, httpStatus, null, null, null, null, null);
    }

    private static String describe(Kind kind, String operation, int status, String errorCode) {
        return switch (kind) {
            case REJECTED -> "Plaid " + operation + " failed: HTTP " + status + (errorCode == null ? "" : " " + errorCode);
            case TIMEOUT -> "Plaid " + operation + " timed out";
            case UNREACHABLE -> "Plaid " + operation + " unreachable";
            case MALFORMED -> "Plaid " + operation + " answered HTTP " + status + " with an unreadable body";
        };
    }

    public Kind kind() {
        return kind;
    }

    public String operation() {
        return operation;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Optional<String> errorType() {
        return Optional.ofNullable(errorType);
    }

    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    public Optional<String> displayMessage() {
        return Optional.ofNullable(displayMessage);
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean isCode(String code) {
        return code.equals(errorCode);
    }

    @Override
    public boolean keysRejected() {
        return isCode("INVALID_API_KEYS");
    }

    @Override
    public boolean isTransient() {
        return switch (kind) {
            case TIMEOUT, UNREACHABLE -> true;
            case REJECTED -> httpStatus == 429 || httpStatus >= 500;
            case MALFORMED -> false;
        };
    }
}
