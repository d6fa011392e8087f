package dev.plaidknot.knot;

import com.google.gson.JsonObject;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.json.Json;

/**
 * Knot's keys as their Secrets Manager secret holds them:
 * {@code {"client_id", "secret", "environment"}}. {@link #toString()} never shows the secret.
 */
public record KnotCredentials(String clientId, String secret, KnotEnvironment environment) {

    public static KnotCredentials parse(String secretString) {
        JsonObject node;
        try {
            node = Json.parse(secretString).getAsJsonObject();
        } catch (Json.Malformed | IllegalStateException e) {
            throw new Misconfiguration("the Knot secret is not a JSON object");
        }
        return new KnotCredentials(text(node, "client_id"), text(node, "secret"),
                KnotEnvironment.parse(text(node, "environment")));
    }

    private static String text(JsonObject node, String field) {
        String value = Json.text(node, field).orElse("");
        if (value.isBlank()) {
            throw new Misconfiguration("the Knot secret has no " + field);
        }
        return value.strip();
    }

    @Override
    public String toString() {
        return "KnotCredentials[clientId=" + clientId + ", secret=<redacted>, environment=" + environment + "]";
    }
}
