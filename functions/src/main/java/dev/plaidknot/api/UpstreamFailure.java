package dev.plaidknot.api;

import java.time.Duration;
import java.util.Optional;

/** What a failed call to an upstream (Plaid, Knot) tells {@link RetryPolicy} about itself. */
public interface UpstreamFailure {

    /** The upstream refused our keys: fetch them again and repeat the call once. */
    boolean keysRejected();

    /** Worth repeating, if the call may be repeated: 429, 5xx, a timeout, a failed connection. */
    boolean isTransient();

    /** How long the upstream asked us to wait, if it said. */
    Optional<Duration> retryAfter();
}
