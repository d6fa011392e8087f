package dev.plaidknot.secrets;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Function;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A secret (from Secrets Manager when deployed), parsed and held for a while so that requests do not each pay a
 * Secrets Manager call; {@link #invalidate()} forces the next read to fetch (keys rotated).
 */
public final class CachedSecret<T> {

    private final SecretSource source;
    private final String secretId;
    private final Duration ttl;
    private final Function<String, T> parser;
    private final InstantSource clock;

    private volatile Cached<T> cached;

    private record Cached<T>(T value, Instant expires) {
    }

    public CachedSecret(SecretsManagerClient client, String secretId, Duration ttl,
                        Function<String, T> parser, InstantSource clock) {
        this(new SecretsManagerSource(client), secretId, ttl, parser, clock);
    }

    public CachedSecret(SecretSource source, String secretId, Duration ttl,
                        Function<String, T> parser, InstantSource clock) {
        this.source = source;
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
        return source.secretString(secretId);
    }
}
