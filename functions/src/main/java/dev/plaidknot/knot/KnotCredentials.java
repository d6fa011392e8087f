package dev.plaidknot.knot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.api.Json;
import dev.plaidknot.config.Misconfiguration;
import java.io.IOException;

/**
 * Knot's keys as their Secrets Manager secret holds them:
 * {@code {"client_id", "secret", "environment"}}. {@link #toString()} never shows the secret.
 */
public record KnotCredentials(String clientId, String secret, KnotEnvironment environment) {

    public static KnotCredentials parse(String secretString) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(secretString);
        } catch (IOException e) {
            throw new Misconfiguration("the Knot secret is not a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw new Misconfiguration("the Knot secret is not a JSON object");
        }
        return new KnotCredentials(text(node, "client_id"), text(node, "secret"),
                KnotEnvironment.parse(text(node, "environment")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new Misconfiguration("the Knot secret has no " + field);
        }
        return value.asText().strip();
    }

    @Override
    public String toString() {
        return "KnotCredentials[clientId=" + clientId + ", secret=<redacted>, environment=" + environment + "]";
    }
}
