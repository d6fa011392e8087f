package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.api.ApiResponses.ErrorBody;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.domain.Refusal;
import dev.plaidknot.knot.KnotFailure;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.upstream.RequestBudget;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Runs one route's work and answers: the work's response, or the documented error for whatever
 * it threw. Every log line of the request carries its ids, route and caller (MDC); the request
 * ends with one line saying how it went and where the time went, and its metrics. No exception
 * message is logged unless it is one of ours (written never to hold a token); a third party's
 * may quote its input.
 */
public final class ApiCall {

    private static final Logger LOG = LoggerFactory.getLogger(ApiCall.class);

    private ApiCall() {
    }

    public static APIGatewayV2HTTPResponse run(String route, APIGatewayV2HTTPEvent event, Context context,
                                               Supplier<APIGatewayV2HTTPResponse> work) {
        long started = System.nanoTime();
        RequestBudget.start(context);
        Telemetry.begin();
        putContext(route, event, context);
        try {
            APIGatewayV2HTTPResponse response = work.get();
            finished(LOG.atInfo(), response.getStatusCode(), started).log("request completed");
            return response;
        } catch (RuntimeException failure) {
            ErrorBody error = ErrorMapper.map(failure);
            LoggingEventBuilder line = finished(error.status() >= 500 ? LOG.atError() : LOG.atInfo(), error.status(), started)
                    .addKeyValue("error_code", error.code());
            switch (failure) {
                case PlaidFailure e -> line.addKeyValue("plaid_operation", e.operation())
                        .addKeyValue("plaid_failure", e.kind().name())
                        .addKeyValue("plaid_http_status", e.httpStatus())
                        .addKeyValue("plaid_error_code", e.errorCode().orElse(null))
                        .addKeyValue("plaid_request_id", e.requestId().orElse(null));
                case KnotFailure e -> line.addKeyValue("knot_failure", e.kind().name())
                        .addKeyValue("knot_http_status", e.httpStatus())
                        .addKeyValue("knot_error_code", e.errorCode().orElse(null));
                case DependencyUnavailable e -> {
                    Telemetry.count("DependencyFailures", "Dependency", e.dependency());
                    line.addKeyValue("dependency", e.dependency())
                            .addKeyValue("aws_error_code", e.awsErrorCode())
                            .addKeyValue("aws_request_id", e.awsRequestId());
                }
                case ApiError e -> line.addKeyValue("reason", e.getMessage());
                case Refusal e -> line.addKeyValue("reason", e.getMessage());
                case Misconfiguration e -> line.addKeyValue("reason", e.getMessage());
                default -> line.addKeyValue("exception", failure.getClass().getName())
                        .addKeyValue("at", firstFrame(failure));
            }
            line.log("request failed");
            return ApiResponses.error(error);
        } finally {
            Telemetry.end(route);
            MDC.clear();
            RequestBudget.end();
        }
    }

    private static void putContext(String route, APIGatewayV2HTTPEvent event, Context context) {
        MDC.clear();
        MDC.put("route", route);
        if (context != null && context.getAwsRequestId() != null) {
            MDC.put("lambda_request_id", context.getAwsRequestId());
        }
        if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
            MDC.put("api_request_id", event.getRequestContext().getRequestId());
        }
        // The sub is a pseudonymous id, not a credential: logged so on-call can find a cardholder's requests.
        CallerIdentity.tryOf(event).ifPresent(sub -> MDC.put("caller", sub));
    }

    private static LoggingEventBuilder finished(LoggingEventBuilder line, int status, long started) {
        return line.addKeyValue("status", status)
                .addKeyValue("duration_ms", Telemetry.millis(System.nanoTime() - started))
                .addKeyValue("upstream_ms", Telemetry.upstreamMillis())
                .addKeyValue("upstream_wall_ms", Telemetry.upstreamWallMillis());
    }

    private static String firstFrame(Throwable failure) {
        StackTraceElement[] trace = failure.getStackTrace();
        return trace.length == 0 ? "-" : trace[0].toString();
    }
}
