package dev.plaidknot.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    private static final long MS = 1_000_000;

    @BeforeEach
    void begin() {
        Telemetry.begin();
    }

    @AfterEach
    void end() {
        Telemetry.end("test");
    }

    @Test
    void calls_that_overlap_count_once_in_the_time_spent_waiting_and_fully_in_their_upstreams_totals() {
        // Plaid 0–200 ms and 50–250 ms at once, KMS 240–260 ms, DynamoDB 300–320 ms, KMS again inside Plaid's.
        Telemetry.upstreamCall("plaid", "a", 0, 200 * MS, 200, false);
        Telemetry.upstreamCall("plaid", "b", 50 * MS, 250 * MS, 200, false);
        Telemetry.upstreamCall("kms", "Encrypt", 240 * MS, 260 * MS, 200, false);
        Telemetry.upstreamCall("dynamodb", "TransactWriteItems", 300 * MS, 320 * MS, 200, false);
        Telemetry.upstreamCall("kms", "Encrypt", 100 * MS, 110 * MS, 200, false);

        assertThat(Telemetry.upstreamMillis()).isEqualTo(Map.of("plaid", 400.0, "kms", 30.0, "dynamodb", 20.0));
        assertThat(Telemetry.upstreamWallMillis()).isEqualTo(280.0);
    }

    @Test
    void calls_one_after_another_wait_as_long_as_their_sum() {
        Telemetry.upstreamCall("plaid", "a", 0, 100 * MS, 200, false);
        Telemetry.upstreamCall("dynamodb", "PutItem", 100 * MS, 130 * MS, 200, false);

        assertThat(Telemetry.upstreamWallMillis()).isEqualTo(130.0);
    }
}
