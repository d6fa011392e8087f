package dev.plaidknot.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** A Lambda context as the runtime passes one: a request id and the 29 s budget of template.yaml. */
public final class LambdaContext implements Context {

    private final String requestId = UUID.randomUUID().toString();
    private final long deadline;

    public LambdaContext() {
        this(Duration.ofSeconds(29));
    }

    /** A context with this much time left, as for an invocation late in its budget. */
    public LambdaContext(Duration remaining) {
        this.deadline = System.currentTimeMillis() + remaining.toMillis();
    }

    @Override public String getAwsRequestId() { return requestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/test"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "test"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:test"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadline - System.currentTimeMillis()); }
    @Override public int getMemoryLimitInMB() { return 1024; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.err.print(message); }
            @Override public void log(byte[] message) { System.err.print(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
