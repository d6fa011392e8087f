package dev.plaidknot.knot;

import dev.plaidknot.config.Misconfiguration;
import java.net.URI;

/** The Knot environment a secret is for; it picks the host unless KNOT_BASE_URL overrides it. */
public enum KnotEnvironment {
    DEVELOPMENT("development", "https://development.knotapi.com"),
    PRODUCTION("production", "https://production.knotapi.com");

    private final String wireName;
    private final URI host;

    KnotEnvironment(String wireName, String host) {
        this.wireName = wireName;
        this.host = URI.create(host);
    }

    public static KnotEnvironment parse(String value) {
        for (KnotEnvironment environment : values()) {
            if (environment.wireName.equals(value)) {
                return environment;
            }
        }
        throw new Misconfiguration("the Knot secret's environment must be development or production");
    }

    public URI host() {
        return host;
    }

    public String wireName() {
        return wireName;
    }
}
