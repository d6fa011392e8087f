package dev.plaidknot.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.api.ApiResponses.ErrorBody;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.upstream.DependencyUnavailable;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    private static PlaidFailure rejected(int status, String type, String code) {
        return PlaidFailure.rejected("op", status, type, code, "req-1", "Try again.", null);
    }

    @Test
    void invalid_public_token_is_the_callers_400_with_plaids_code_and_request_id() {
        ErrorBody error = ErrorMapper.map(rejected(400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN"));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("INVALID_REQUEST");
        assertThat(error.plaidErrorCode()).isEqualTo("INVALID_PUBLIC_TOKEN");
        assertThat(error.requestId()).isEqualTo("req-1");
    }

    @Test
    void rate_limits_are_429_with_plaids_or_a_default_retry_after() {
        assertThat(ErrorMapper.map(rejected(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT")).retryAfterSeconds())
                .isEqualTo(ErrorMapper.DEFAULT_RETRY_AFTER.toSeconds());
        ErrorBody told = ErrorMapper.map(PlaidFailure.rejected("op", 429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "r", null,
                Duration.ofSeconds(9)));
        assertThat(told.status()).isEqualTo(429);
        assertThat(told.retryAfterSeconds()).isEqualTo(9);
    }

    @Test
    void plaid_refusals_that_are_not_the_callers_are_502() {
        assertThat(ErrorMapper.map(rejected(400, "INVALID_INPUT", "INVALID_API_KEYS")).status()).isEqualTo(502);
        assertThat(ErrorMapper.map(rejected(500, "API_ERROR", "INTERNAL_SERVER_ERROR")).code()).isEqualTo("PLAID_UNAVAILABLE");
        assertThat(ErrorMapper.map(PlaidFailure.unreachable("op")).status()).isEqualTo(502);
        assertThat(ErrorMapper.map(PlaidFailure.malformed("op", 200)).status()).isEqualTo(502);
    }

    @Test
    void a_plaid_timeout_is_504() {
        ErrorBody error = ErrorMapper.map(PlaidFailure.timeout("op"));
        assertThat(error.status()).isEqualTo(504);
        assertThat(error.code()).isEqualTo("PLAID_TIMEOUT");
    }

    @Test
    void aws_dependencies_down_are_503_naming_the_dependency_only() {
        ErrorBody error = ErrorMapper.map(new DependencyUnavailable("kms", "KMSInternalException", "aws-req"));
        assertThat(error.status()).isEqualTo(503);
        assertThat(error.message()).contains("kms").doesNotContain("aws-req");
    }

    @Test
    void misconfiguration_and_surprises_are_500_without_detail() {
        assertThat(ErrorMapper.map(new Misconfiguration("TOKENS_TABLE is not set")).message()).doesNotContain("TOKENS_TABLE");
        ErrorBody surprise = ErrorMapper.map(new IllegalStateException("access-sandbox-leak"));
        assertThat(surprise.status()).isEqualTo(500);
        assertThat(surprise.message()).doesNotContain("access-sandbox-leak");
    }
}
