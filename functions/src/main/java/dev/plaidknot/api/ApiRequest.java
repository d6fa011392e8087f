package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Path, query and header values of a payload 2.0 event, checked before use. */
public final class ApiRequest {

    private ApiRequest() {
    }

    public static String pathParameter(APIGatewayV2HTTPEvent event, String name, Pattern format, String description) {
        String value = event.getPathParameters() == null ? null : event.getPathParameters().get(name);
        if (value == null || !format.matcher(value).matches()) {
            throw ApiError.badRequest(name + " in the path must be " + description);
        }
        return value;
    }

    public static Optional<String> queryParameter(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> query = event.getQueryStringParameters();
        return Optional.ofNullable(query == null ? null : query.get(name));
    }

    /** A whole number in [min, max], or the fallback when absent. */
    public static int intQueryParameter(APIGatewayV2HTTPEvent event, String name, int min, int max, int fallback) {
        Optional<String> raw = queryParameter(event, name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max);
    }

    /** A header by name, in any case: API Gateway lowercases them, clients and tests may not. */
    public static Optional<String> header(APIGatewayV2HTTPEvent event, String name) {
        if (event.getHeaders() == null) {
            return Optional.empty();
        }
        return event.getHeaders().entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst();
    }
}
