package dev.plaidknot.secrets;

import dev.plaidknot.api.DependencyUnavailable;
import dev.plaidknot.config.Misconfiguration;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/**
 * A Secrets Manager secret, parsed and held for a while so that requests do not each pay a
 * Secrets Manager call; {@link #invalidate()} forces the next read to fetch (keys rotated).
 */
public final class CachedSecret<T> {

    private final SecretsManagerClient client;
    private final String secretId;
    private final Duration ttl;
    private final Function<String, T> parser;
    private final InstantSource clock;

    private volatile Cached<T> cached;

    private record Cached<T>(T value, Instant expires) {
    }

    public CachedSecret(SecretsManagerClient client, String secretId, Duration ttl,
                        Function<String, T> parser, InstantSource clock) {
        this.client = client;
        this.secretId = secretId;
        this.ttl = ttl;
        this.parser = parser;
        this.clock = clock;
    }

    public T get() {
        Cached<T> current = cached;
        if (current != null && clock.instant().isBefore(current.expires())) {
            return current.value();
        }
        synchronized (this) {
            current = cached;
            if (current != null && clock.instant().isBefore(current.expires())) {
                return current.value();
            }
            T value = parser.apply(fetch());
            cached = new Cached<>(value, clock.instant().plus(ttl));
            return value;
        }
    }

    public void invalidate() {
        cached = null;
    }

    private String fetch() {
        try {
            String value = client.getSecretValue(GetSecretValueRequest.builder().secretId(secretId).build())
                    .secretString();
            if (value == null) {
                throw new Misconfiguration("the secret holds binary data, not a JSON string");
            }
            return value;
        } catch (SdkException e) {
            throw DependencyUnavailable.from("secretsmanager", e);
        }
    }
}
