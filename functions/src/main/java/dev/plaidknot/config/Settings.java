package dev.plaidknot.config;

import com.plaid.client.model.CountryCode;
import com.plaid.client.model.Products;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The function's configuration, read from its environment once at init.
 *
 * <p>Required values are checked where they are used, not here: the link-token function has no
 * table or key, and must not fail for lack of them.
 */
public final class Settings {

    /** Knot's published webhook sending address. */
    public static final String KNOT_WEBHOOK_SOURCE = "35.232.249.218/32";

    private final Map<String, String> env;

    public Settings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    public String plaidSecretArn() {
        return required("PLAID_SECRET_ARN");
    }

    public String knotSecretArn() {
        return required("KNOT_SECRET_ARN");
    }

    public Optional<URI> knotBaseUrl() {
        return url("KNOT_BASE_URL");
    }

    /** Each Knot call's budget, like {@link #plaidTimeout()}. */
    public Duration knotTimeout() {
        return Duration.ofMillis(positiveLong("KNOT_TIMEOUT_MS", 8_000));
    }

    /**
     * The bound on each of the two calls that store an access token (its KMS encryption, then its
     * write): the exchange leaves twice this, and one Plaid call, for storing or removing the item.
     */
    public Duration storeCallTimeout() {
        return Duration.ofMillis(positiveLong("STORE_CALL_TIMEOUT_MS", 3_000));
    }

    /** The issuer's card platform: a Lambda function's name or ARN, invoked synchronously. */
    public String cardPlatformFunction() {
        return required("CARD_PLATFORM_FUNCTION");
    }

    /** Each card platform call's bound: a JWE must leave room in Knot's 15 seconds for the rest. */
    public Duration cardPlatformTimeout() {
        return Duration.ofMillis(positiveLong("CARD_PLATFORM_TIMEOUT_MS", 5_000));
    }

    /**
     * The CIDR blocks Knot's webhooks may come from, comma-separated: Knot's published address
     * when the variable is absent, every address when it is set but empty.
     */
    public String knotWebhookSourceCidrs() {
        String value = env.get("KNOT_WEBHOOK_SOURCE_CIDRS");
        return value == null ? KNOT_WEBHOOK_SOURCE : value.strip();
    }

    public String tokensTable() {
        return required("TOKENS_TABLE");
    }

    public String tokenKeyId() {
        return required("TOKEN_KEY_ID");
    }

    public Optional<URI> plaidBaseUrl() {
        return url("PLAID_BASE_URL");
    }

    private Optional<URI> url(String name) {
        return optional(name).map(value -> {
            try {
                URI uri = URI.create(value);
                if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new Misconfiguration(name + " must be an absolute http(s) URL");
        });
    }

    /** Each Plaid call's whole budget; well below API Gateway's 30 s so a stall becomes a 504. */
    public Duration plaidTimeout() {
        return Duration.ofMillis(positiveLong("PLAID_TIMEOUT_MS", 8_000));
    }

    /**
     * How Lambda is starting this environment ({@code AWS_LAMBDA_INITIALIZATION_TYPE}, set by
     * Lambda): {@code on-demand}, {@code provisioned-concurrency} or {@code snap-start}; empty
     * outside Lambda.
     */
    public Optional<String> initializationType() {
        return optional("AWS_LAMBDA_INITIALIZATION_TYPE");
    }

    /** How long a fetched secret is trusted before Secrets Manager is asked again. */
    public Duration secretCacheTtl() {
        return Duration.ofSeconds(positiveLong("SECRET_CACHE_SECONDS", 300));
    }

    public String plaidClientName() {
        String name = optional("PLAID_CLIENT_NAME").orElse("Card Issuer");
        if (name.length() > 30) {
            // Plaid refuses client_name longer than 30 characters on every link token.
            throw new Misconfiguration("PLAID_CLIENT_NAME must be at most 30 characters");
        }
        return name;
    }

    public List<String> plaidProducts() {
        List<String> products = list("PLAID_PRODUCTS", "transactions");
        for (String product : products) {
            Products known = Products.fromValue(product);
            if (known == null || known == Products.ENUM_UNKNOWN) {
                throw new Misconfiguration("PLAID_PRODUCTS names a product Plaid does not know: " + product);
            }
        }
        return products;
    }

    public List<String> plaidCountryCodes() {
        List<String> codes = list("PLAID_COUNTRY_CODES", "US");
        for (String code : codes) {
            CountryCode known = CountryCode.fromValue(code);
            if (known == null || known == CountryCode.ENUM_UNKNOWN) {
                throw new Misconfiguration("PLAID_COUNTRY_CODES names a country Plaid does not serve: " + code);
            }
        }
        return codes;
    }

    public String plaidLanguage() {
        return optional("PLAID_LANGUAGE").orElse("en");
    }

    public Optional<String> plaidWebhookUrl() {
        return optional("PLAID_WEBHOOK_URL");
    }

    /**
     * The settings that shape what this function sends Plaid (not where, nor with which keys), as
     * set: SnapStart priming's twin takes them, so the requests it serializes before the snapshot
     * are the ones this function sends after it (a webhook URL adds a field).
     */
    public Map<String, String> plaidRequestSettings() {
        Map<String, String> set = new HashMap<>();
        for (String name : List.of("PLAID_CLIENT_NAME", "PLAID_PRODUCTS", "PLAID_COUNTRY_CODES", "PLAID_LANGUAGE",
                "PLAID_WEBHOOK_URL")) {
            optional(name).ifPresent(value -> set.put(name, value));
        }
        return Map.copyOf(set);
    }

    private String required(String name) {
        return optional(name).orElseThrow(() -> new Misconfiguration(name + " is not set"));
    }

    private Optional<String> optional(String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private List<String> list(String name, String fallback) {
        List<String> values = Arrays.stream(optional(name).orElse(fallback).split(","))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
        if (values.isEmpty()) {
            throw new Misconfiguration(name + " must list at least one value");
        }
        return values;
    }

    private long positiveLong(String name, long fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new Misconfiguration(name + " must be a positive whole number");
    }
}
