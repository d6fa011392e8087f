package dev.plaidknot.plaid;

import dev.plaidknot.upstream.UpstreamFailure;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plaid did not do what was asked. Holds Plaid's own error fields (never its raw body) so the
 * caller can be told {@code plaid_error_code} and {@code request_id}, and nothing else.
 */
public final class PlaidFailure extends UpstreamFailure {

    private final String errorType;
    private final String requestId;
    private final String displayMessage;

    private PlaidFailure(Kind kind, String operation, int httpStatus, String errorType, String errorCode,
                         String requestId, String displayMessage, Duration retryAfter) {
        super(describe(kind, operation, httpStatus, errorCode), kind, operation, httpStatus, errorCode, retryAfter);
        this.errorType = errorType;
        this.requestId = requestId;
        this.displayMessage = displayMessage;
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

    /** A call that got no answer: timed out, or never reached Plaid. */
    public static PlaidFailure noAnswer(Kind kind, String operation) {
        return kind == Kind.TIMEOUT ? timeout(operation) : unreachable(operation);
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

    public Optional<String> errorType() {
        return Optional.ofNullable(errorType);
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    public Optional<String> displayMessage() {
        return Optional.ofNullable(displayMessage);
    }

    @Override
    public boolean keysRejected() {
        return isCode("INVALID_API_KEYS");
    }

    @Override
    public Map<String, Object> logFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("plaid_error_code", errorCode().orElse(null));
        fields.put("plaid_request_id", requestId);
        return fields;
    }
}
