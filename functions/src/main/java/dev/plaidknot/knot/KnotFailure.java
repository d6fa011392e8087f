package dev.plaidknot.knot;

import dev.plaidknot.api.UpstreamFailure;
import java.time.Duration;
import java.util.Optional;

/**
 * Knot did not create the session. Keeps Knot's error code and a message fit to show (see
 * {@link KnotApiGateway}); never Knot's raw body, which may echo what we sent.
 */
public final class KnotFailure extends RuntimeException implements UpstreamFailure {

    public enum Kind { REJECTED, TIMEOUT, UNREACHABLE, MALFORMED }

    private final Kind kind;
    private final int httpStatus;
    private final String errorCode;
    private final String safeMessage;

    public KnotFailure(Kind kind, int httpStatus, String errorCode, String safeMessage) {
        super("Knot session/create " + kind + (httpStatus == 0 ? "" : " HTTP " + httpStatus)
                + (errorCode == null ? "" : " " + errorCode), null, false, false);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.safeMessage = safeMessage;
    }

    public Kind kind() {
        return kind;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public Optional<String> safeMessage() {
        return Optional.ofNullable(safeMessage);
    }

    @Override
    public boolean keysRejected() {
        return kind == Kind.REJECTED && httpStatus == 401;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.empty();
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
