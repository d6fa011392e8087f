package dev.plaidknot.secrets;

/**
 * Where a secret's JSON text comes from: Secrets Manager in a deployed function; the local
 * server's environment variables on a developer's machine.
 */
@FunctionalInterface
public interface SecretSource {

    /** The secret's current text; a failing store is reported as {@link dev.plaidknot.upstream.DependencyUnavailable}. */
    String secretString(String secretId);

    /** Resolves the credentials a fetch will sign with, fetching nothing; none to resolve by default. */
    default void resolveCredentials() {
    }
}
