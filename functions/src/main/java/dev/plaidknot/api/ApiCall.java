package dev.plaidknot.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.api.ApiResponses.ErrorBody;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.knot.KnotFailure;
import dev.plaidknot.plaid.PlaidFailure;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one route's work and answers: the work's response, or the documented error for whatever
 * it threw. Writes one outcome line per request. No exception message is logged unless it is
 * one of ours (they are written never to hold a token); a third party's may quote its input.
 */
public final class ApiCall {

    private static final Logger LOG = LoggerFactory.getLogger(ApiCall.class);

    private ApiCall() {
    }

    public static APIGatewayV2HTTPResponse run(String route, APIGatewayV2HTTPEvent event, Context context,
                                               Supplier<APIGatewayV2HTTPResponse> work) {
        long started = System.nanoTime();
        RequestBudget.start(context);
        String apiRequestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        String lambdaRequestId = context == null ? null : context.getAwsRequestId();
        try {
            APIGatewayV2HTTPResponse response = work.get();
            LOG.info("route={} status={} duration_ms={} api_request_id={} lambda_request_id={}", route,
                    response.getStatusCode(), elapsedMillis(started), apiRequestId, lambdaRequestId);
            return response;
        } catch (RuntimeException failure) {
            ErrorBody error = ErrorMapper.map(failure);
            String detail = switch (failure) {
                case PlaidFailure e -> "plaid_operation=" + e.operation() + " plaid_kind=" + e.kind()
                        + " plaid_http_status=" + e.httpStatus() + " plaid_error_code=" + e.errorCode().orElse("-")
                        + " plaid_request_id=" + e.requestId().orElse("-");
                case KnotFailure e -> "knot_kind=" + e.kind() + " knot_http_status=" + e.httpStatus()
                        + " knot_error_code=" + e.errorCode().orElse("-");
                case DependencyUnavailable e -> "dependency=" + e.dependency() + " aws_error_code="
                        + e.awsErrorCode() + " aws_request_id=" + e.awsRequestId();
                case ApiError e -> "reason=\"" + e.getMessage() + "\"";
                case Misconfiguration e -> "reason=\"" + e.getMessage() + "\"";
                default -> "exception=" + failure.getClass().getName() + " at=" + firstFrame(failure);
            };
            String line = "route={} status={} code={} duration_ms={} api_request_id={} lambda_request_id={} {}";
            Object[] args = {route, error.status(), error.code(), elapsedMillis(started), apiRequestId,
                    lambdaRequestId, detail};
            if (error.status() >= 500) {
                LOG.error(line, args);
            } else {
                LOG.info(line, args);
            }
            return ApiResponses.error(error);
        } finally {
            RequestBudget.end();
        }
    }

    private static long elapsedMillis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static String firstFrame(Throwable failure) {
        StackTraceElement[] trace = failure.getStackTrace();
        return trace.length == 0 ? "-" : trace[0].toString();
    }
}
