package dev.plaidknot.upstream;

/**
 * An AWS dependency (Secrets Manager, DynamoDB, KMS) could not do its part: the caller gets 503
 * and may retry. Keeps only the dependency's name, AWS's error code and request id, not AWS's
 * exception: its message is not ours to vouch for in a log line ({@code aws.AwsFailures}).
 */
public final class DependencyUnavailable extends RuntimeException {

    private final String dependency;
    private final String awsErrorCode;
    private final String awsRequestId;

    public DependencyUnavailable(String dependency, String awsErrorCode, String awsRequestId) {
        super(dependency + " unavailable" + (awsErrorCode == null ? "" : " (" + awsErrorCode + ")"), null, false, false);
        this.dependency = dependency;
        this.awsErrorCode = awsErrorCode;
        this.awsRequestId = awsRequestId;
    }

    public String dependency() {
        return dependency;
    }

    public String awsErrorCode() {
        return awsErrorCode;
    }

    public String awsRequestId() {
        return awsRequestId;
    }
}
