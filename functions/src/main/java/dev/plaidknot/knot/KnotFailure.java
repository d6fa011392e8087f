package dev.plaidknot.knot;

import dev.plaidknot.upstream.UpstreamFailure;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Knot did not do what was asked. Keeps Knot's error code and a message fit to show (see
 * {@link KnotApiGateway}); never Knot's raw body, which may echo what we sent.
 */
public final class KnotFailure extends UpstreamFailure {

    private final String safeMessage;

    public KnotFailure(Kind kind, int httpStatus, String errorCode, String safeMessage) {
        this("session/create", kind, httpStatus, errorCode, safeMessage);
    }

    public KnotFailure(String operation, Kind kind, int httpStatus, String errorCode, String safeMessage) {
        this(operation, kind, httpStatus, errorCode, safeMessage, null);
    }

    public KnotFailure(String operation, Kind kind, int httpStatus, String errorCode, String safeMessage,
                       Duration retryAfter) {
        super("Knot " + operation + " " + kind + (httpStatus == 0 ? "" : " HTTP " + httpStatus)
                + (errorCode == null ? "" : " " + errorCode), kind, operation, httpStatus, errorCode, retryAfter);
        this.safeMessage = safeMessage;
    }

    /** A call that got no answer: timed out, or never reached Knot. */
    public static KnotFailure noAnswer(Kind kind, String operation) {
        return new KnotFailure(operation, kind, 0, null, null);
    }

    public Optional<String> safeMessage() {
        return Optional.ofNullable(safeMessage);
    }

    @Override
    public boolean keysRejected() {
        return kind() == Kind.REJECTED && httpStatus() == 401;
    }

    @Override
    public Map<String, Object> logFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("knot_error_code", errorCode().orElse(null));
        return fields;
    }
}
