package dev.plaidknot.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.upstream.DependencyUnavailable;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

class CachedSecretTest {

    /** Secrets Manager in memory: counts fetches, can be switched off. */
    private static final class FakeSecretsManager implements SecretsManagerClient {
        final AtomicInteger fetches = new AtomicInteger();
        volatile String value = "v1";
        volatile boolean down;

        @Override
        public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
            fetches.incrementAndGet();
            if (down) {
                throw SdkClientException.create("connection refused");
            }
            return GetSecretValueResponse.builder().secretString(value).build();
        }

        @Override
        public String serviceName() {
            return "secretsmanager";
        }

        @Override
        public void close() {
        }
    }

    private final FakeSecretsManager secretsManager = new FakeSecretsManager();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T12:00:00Z"));
    private final InstantSource clock = now::get;
    private final CachedSecret<String> secret =
            new CachedSecret<>(secretsManager, "arn", Duration.ofMinutes(5), s -> s, clock);

    @Test
    void fetches_once_within_the_ttl() {
        assertThat(secret.get()).isEqualTo("v1");
        secretsManager.value = "v2";
        now.set(now.get().plus(Duration.ofMinutes(4)));

        assertThat(secret.get()).isEqualTo("v1");
        assertThat(secretsManager.fetches).hasValue(1);
    }

    @Test
    void refetches_after_the_ttl_and_after_invalidate() {
        secret.get();
        secretsManager.value = "v2";
        now.set(now.get().plus(Duration.ofMinutes(6)));
        assertThat(secret.get()).isEqualTo("v2");

        secretsManager.value = "v3";
        secret.invalidate();
        assertThat(secret.get()).isEqualTo("v3");
        assertThat(secretsManager.fetches).hasValue(3);
    }

    @Test
    void an_outage_serves_the_cache_until_it_ages_out_then_fails_as_a_dependency() {
        secret.get();
        secretsManager.down = true;
        assertThat(secret.get()).isEqualTo("v1");

        now.set(now.get().plus(Duration.ofMinutes(6)));
        assertThatThrownBy(secret::get).isInstanceOfSatisfying(DependencyUnavailable.class,
                e -> assertThat(e.dependency()).isEqualTo("secretsmanager"));
    }
}
