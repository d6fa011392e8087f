package dev.plaidknot.api;

/**
 * A request the caller must change: bad input, no identity, an unknown item. The message is
 * written for a front-end developer and never holds a token or the request body.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "INVALID_REQUEST", message);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "UNAUTHORIZED", "no verified identity on the request");
    }

    /** Unknown, or someone else's: the answer is the same, so no one learns what exists. */
    public static ApiError notFound(String what) {
        return new ApiError(404, "NOT_FOUND", what + " not found");
    }

    public static ApiError payloadTooLarge(int limitBytes) {
        return new ApiError(413, "PAYLOAD_TOO_LARGE", "request body is larger than " + limitBytes + " bytes");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
