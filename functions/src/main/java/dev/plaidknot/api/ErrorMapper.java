package dev.plaidknot.api;

import dev.plaidknot.api.ApiResponses.ErrorBody;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.domain.Refusal;
import dev.plaidknot.knot.KnotFailure;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.upstream.DependencyUnavailable;
import java.time.Duration;
import java.util.Map;

/**
 * Turns any failure into the documented error body. Plaid's {@code error_code},
 * {@code request_id} and {@code display_message} pass through; Plaid's raw body, AWS messages
 * and stack traces never do.
 */
public final class ErrorMapper {

    /** When Plaid rate-limits without saying for how long. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);

    /** Plaid errors that the caller caused and can fix, with what to tell them. */
    private static final Map<String, String> CALLER_ERRORS = Map.of(
            "INVALID_PUBLIC_TOKEN",
            "Plaid rejected the public_token: it is expired, already exchanged or from another environment; "
                    + "open Link again for a new one");

    private ErrorMapper() {
    }

    public static ErrorBody map(RuntimeException failure) {
        return switch (failure) {
            case ApiError e -> ErrorBody.of(e.status(), e.code(), e.getMessage());
            case Refusal e -> switch (e.reason()) {
                case NOT_FOUND -> ErrorBody.of(404, "NOT_FOUND", e.getMessage());
                case CONFLICT -> ErrorBody.of(409, "CONFLICT", e.getMessage());
                case INVALID -> ErrorBody.of(400, "INVALID_REQUEST", e.getMessage());
                case UNVERIFIED -> ErrorBody.of(401, "UNAUTHORIZED", e.getMessage());
                case FORBIDDEN -> ErrorBody.of(403, "FORBIDDEN", e.getMessage());
            };
            case PlaidFailure e -> plaid(e);
            case KnotFailure e -> knot(e);
            case DependencyUnavailable e -> new ErrorBody(503, "DEPENDENCY_UNAVAILABLE",
                    "a service this API depends on (" + e.dependency() + ") is unavailable; retry shortly",
                    null, null, null, null);
            case Misconfiguration e -> ErrorBody.of(500, "SERVICE_MISCONFIGURED",
                    "the service is not configured correctly; its operators have been told");
            default -> ErrorBody.of(500, "INTERNAL_ERROR", "unexpected error; its operators have been told");
        };
    }

    private static ErrorBody knot(KnotFailure e) {
        String code = e.errorCode().orElse(null);
        String what = "session/extend".equals(e.operation()) ? "extend the session" : "create the session";
        return switch (e.kind()) {
            case TIMEOUT -> ErrorBody.of(504, "KNOT_TIMEOUT", "Knot did not answer in time; retry shortly");
            case UNREACHABLE -> ErrorBody.of(502, "KNOT_UNAVAILABLE", "Knot could not be reached; retry shortly");
            case MALFORMED -> ErrorBody.of(502, "KNOT_ERROR", "Knot answered with an unreadable response");
            case REJECTED -> e.httpStatus() >= 500
                    ? new ErrorBody(502, "KNOT_UNAVAILABLE", "Knot failed to " + what + "; retry shortly",
                            null, null, null, null, code)
                    : new ErrorBody(502, "KNOT_ERROR", "Knot refused to " + what
                            + e.safeMessage().map(m -> ": " + m).orElse(""), null, null, null, null, code);
        };
    }

    private static ErrorBody plaid(PlaidFailure e) {
        String code = e.errorCode().orElse(null);
        String requestId = e.requestId().orElse(null);
        String display = e.displayMessage().orElse(null);
        return switch (e.kind()) {
            case TIMEOUT -> new ErrorBody(504, "PLAID_TIMEOUT", "Plaid did not answer in time; retry shortly",
                    null, null, null, null);
            case UNREACHABLE -> new ErrorBody(502, "PLAID_UNAVAILABLE", "Plaid could not be reached; retry shortly",
                    null, null, null, null);
            case MALFORMED -> new ErrorBody(502, "PLAID_ERROR", "Plaid answered with an unreadable response",
                    null, requestId, null, null);
            case REJECTED -> {
                if (e.httpStatus() == 429 || "RATE_LIMIT_EXCEEDED".equals(e.errorType().orElse(null))) {
                    long seconds = e.retryAfter().orElse(DEFAULT_RETRY_AFTER).toSeconds();
                    yield new ErrorBody(429, "RATE_LIMITED", "Plaid is rate limiting requests; retry after "
                            + seconds + " s", code, requestId, display, seconds);
                }
                if (code != null && CALLER_ERRORS.containsKey(code)) {
                    yield new ErrorBody(400, "INVALID_REQUEST", CALLER_ERRORS.get(code), code, requestId, display, null);
                }
                if (e.httpStatus() >= 500) {
                    yield new ErrorBody(502, "PLAID_UNAVAILABLE", "Plaid failed to process the request; retry shortly",
                            code, requestId, display, null);
                }
                yield new ErrorBody(502, "PLAID_ERROR", "Plaid refused the request", code, requestId, display, null);
            }
        };
    }
}
