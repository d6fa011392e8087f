package dev.plaidknot.plaid;

import com.google.gson.JsonObject;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.json.Json;

/**
 * Plaid's keys as the Secrets Manager secret holds them:
 * {@code {"client_id", "secret", "environment"}}. {@link #toString()} never shows the secret.
 */
public record PlaidCredentials(String clientId, String secret, PlaidEnvironment environment) {

    public static PlaidCredentials parse(String secretString) {
        JsonObject node;
        try {
            node = Json.parse(secretString).getAsJsonObject();
        } catch (Json.Malformed | IllegalStateException e) {
            throw new Misconfiguration("the Plaid secret is not a JSON object");
        }
        return new PlaidCredentials(
                text(node, "client_id"),
                text(node, "secret"),
                PlaidEnvironment.parse(text(node, "environment")));
    }

    private static String text(JsonObject node, String field) {
        String value = Json.text(node, field).orElse("");
        if (value.isBlank()) {
            throw new Misconfiguration("the Plaid secret has no " + field);
        }
        return value.strip();
    }

    @Override
    public String toString() {
        return "PlaidCredentials[clientId=" + clientId + ", secret=<redacted>, environment=" + environment + "]";
    }
}
