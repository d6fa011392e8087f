package dev.plaidknot.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.secrets.SecretSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local server's stand-in for Secrets Manager: each secret's JSON, in the same shape the
 * deployed secret holds ({@code client_id}, {@code secret}, {@code environment}), made from
 * environment variables or the simulators' keys.
 */
public final class EnvironmentSecrets implements SecretSource {

    public static final String PLAID = "local:plaid-keys";
    public static final String KNOT = "local:knot-keys";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> secrets = new LinkedHashMap<>();

    /** Adds a secret; returns this for chaining. */
    public EnvironmentSecrets with(String secretId, String clientId, String secret, String environment) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("client_id", clientId);
        fields.put("secret", secret);
        fields.put("environment", environment);
        try {
            secrets.put(secretId, JSON.writeValueAsString(fields));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    @Override
    public String secretString(String secretId) {
        String value = secrets.get(secretId);
        if (value == null) {
            throw new Misconfiguration("the local server holds no secret " + secretId);
        }
        return value;
    }

    @Override
    public String toString() {
        return "EnvironmentSecrets" + secrets.keySet();
    }
}
