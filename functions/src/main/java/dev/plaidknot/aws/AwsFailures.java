package dev.plaidknot.aws;

import dev.plaidknot.upstream.DependencyUnavailable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import java.util.function.Supplier;

/**
 * An AWS SDK failure as the service reports it: the dependency's name, AWS's error code and
 * request id, never AWS's message (it is not ours to vouch for in a log line).
 */
public final class AwsFailures {

    private AwsFailures() {
    }

    /** The request's answer; an SDK failure of it is {@code dependency} unavailable. */
    public static <T> T calling(String dependency, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw unavailable(dependency, e);
        }
    }

    public static DependencyUnavailable unavailable(String dependency, SdkException failure) {
        if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return new DependencyUnavailable(dependency, service.awsErrorDetails().errorCode(), service.requestId());
        }
        // A client-side failure (connection refused, timeout): name its kind only.
        return new DependencyUnavailable(dependency, failure.getClass().getSimpleName(), null);
    }
}
