package dev.plaidknot.observability;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Adds each AWS SDK call (retries included) to the invocation's upstream latencies and trace. */
public final class UpstreamTimingInterceptor implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("plaidknot.started");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes, context.httpResponse().statusCode(), false);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes, context.httpResponse().map(r -> r.statusCode()).orElse(0), true);
    }

    private static void record(ExecutionAttributes attributes, int status, boolean failed) {
        Long started = attributes.getAttribute(STARTED);
        if (started != null) {
            String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
            Telemetry.upstreamCall(service == null ? "aws" : service.toLowerCase(),
                    attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), started, status, failed);
        }
    }
}
