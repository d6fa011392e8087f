package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;
import java.util.Optional;

/**
 * The caller is the {@code sub} claim that API Gateway's JWT authorizer verified. Nothing in a
 * body, query or header can name a user: only this.
 */
public final class CallerIdentity {

    private static final int MAX_SUB_LENGTH = 255;

    private CallerIdentity() {
    }

    /** The verified caller, if the event has a well-formed one (for logging; never for access). */
    public static Optional<String> tryOf(APIGatewayV2HTTPEvent event) {
        try {
            return Optional.of(of(event));
        } catch (ApiError unauthenticated) {
            return Optional.empty();
        }
    }

    public static String of(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null) {
            throw ApiError.unauthorized();
        }
        Map<String, String> claims = context.getAuthorizer().getJwt().getClaims();
        String sub = claims == null ? null : claims.get("sub");
        if (sub == null || sub.isBlank() || sub.length() > MAX_SUB_LENGTH || sub.chars().anyMatch(Character::isISOControl)
                || !ApiRequest.isWellFormed(sub)) {
            throw ApiError.unauthorized();
        }
        return sub;
    }
}
