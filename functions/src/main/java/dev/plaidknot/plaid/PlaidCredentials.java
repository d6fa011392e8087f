package dev.plaidknot.plaid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.api.Json;
import dev.plaidknot.config.Misconfiguration;
import java.io.IOException;

/**
 * Plaid's keys as the Secrets Manager secret holds them:
 * {@code {"client_id", "secret", "environment"}}. {@link #toString()} never shows the secret.
 */
public record PlaidCredentials(String clientId, String secret, PlaidEnvironment environment) {

    public static PlaidCredentials parse(String secretString) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(secretString);
        } catch (IOException e) {
            throw new Misconfiguration("the Plaid secret is not a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw new Misconfiguration("the Plaid secret is not a JSON object");
        }
        return new PlaidCredentials(
                text(node, "client_id"),
                text(node, "secret"),
                PlaidEnvironment.parse(text(node, "environment")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new Misconfiguration("the Plaid secret has no " + field);
        }
        return value.asText().strip();
    }

    @Override
    public String toString() {
        return "PlaidCredentials[clientId=" + clientId + ", secret=<redacted>, environment=" + environment + "]";
    }
}
