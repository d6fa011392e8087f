package dev.plaidknot.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP upstream (Plaid, Knot) did not do what was asked. What every such failure has in
 * common: how it failed, the upstream's status and error code, and what that means for a retry.
 * Each upstream's own subclass keeps the fields that are only its own (Plaid's request id, Knot's
 * message fit to show); none keeps the raw body, which may echo what was sent.
 */
public abstract class UpstreamFailure extends RuntimeException {

    public enum Kind {
        /** The upstream answered with an error (4xx or 5xx). */
        REJECTED,
        /** No answer within the call's budget. */
        TIMEOUT,
        /** The connection failed before the upstream answered. */
        UNREACHABLE,
        /** A 2xx whose body is not the documented response. */
        MALFORMED
    }

    private final Kind kind;
    private final String operation;
    private final int httpStatus;
    private final String errorCode;
    private final Duration retryAfter;

    /** The message is ours, built from these fields only, so it may be logged. */
    protected UpstreamFailure(String message, Kind kind, String operation, int httpStatus, String errorCode,
                              Duration retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.operation = operation;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public String operation() {
        return operation;
    }

    /** The upstream's HTTP status; 0 when it never answered. */
    public int httpStatus() {
        return httpStatus;
    }

    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public boolean isCode(String code) {
        return code.equals(errorCode);
    }

    /** How long the upstream asked us to wait, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Worth repeating, if the call may be repeated: 429, 5xx, a timeout, a failed connection. */
    public boolean isTransient() {
        return switch (kind) {
            case TIMEOUT, UNREACHABLE -> true;
            case REJECTED -> httpStatus == 429 || httpStatus >= 500;
            case MALFORMED -> false;
        };
    }

    /** The upstream refused our keys: fetch them again and repeat the call once. */
    public abstract boolean keysRejected();

    /** The upstream's own fields for the call's log line (names prefixed with the upstream's), never a token. */
    public abstract Map<String, Object> logFields();
}
