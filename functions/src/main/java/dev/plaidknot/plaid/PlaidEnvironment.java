package dev.plaidknot.plaid;

import com.plaid.client.ApiClient;
import dev.plaidknot.config.Misconfiguration;
import java.net.URI;

/** The Plaid environment a secret is for; it picks the host unless PLAID_BASE_URL overrides it. */
public enum PlaidEnvironment {
    SANDBOX("sandbox", ApiClient.Sandbox),
    PRODUCTION("production", ApiClient.Production);

    private final String wireName;
    private final URI host;

    PlaidEnvironment(String wireName, String host) {
        this.wireName = wireName;
        this.host = URI.create(host);
    }

    public static PlaidEnvironment parse(String value) {
        for (PlaidEnvironment environment : values()) {
            if (environment.wireName.equals(value)) {
                return environment;
            }
        }
        throw new Misconfiguration("the Plaid secret's environment must be sandbox or production");
    }

    public URI host() {
        return host;
    }

    public String wireName() {
        return wireName;
    }
}
