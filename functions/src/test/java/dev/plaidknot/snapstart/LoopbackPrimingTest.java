package dev.plaidknot.snapstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.Wiring;
import dev.plaidknot.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The priming walk against the loopback stand-in: every step ends as a real request would, quietly. */
class LoopbackPrimingTest {

    /** A wiring whose every upstream is unreachable: priming must not need any of them. */
    private static Wiring unreachable() {
        return new Wiring(new Settings(Map.of()), () -> {
            throw new AssertionError("priming built a Secrets Manager client");
        }, () -> {
            throw new AssertionError("priming built a DynamoDB client");
        }, () -> {
            throw new AssertionError("priming built a KMS client");
        });
    }

    @Test
    void every_step_of_the_walk_ends_as_expected() {
        SnapStartPriming.PrimingReport report = new SnapStartPriming(unreachable()).prime();

        assertThat(report.unexpected()).isEmpty();
        assertThat(report.steps()).isEqualTo(10);
    }

    @Test
    void the_walk_writes_no_info_lines_that_could_read_as_real_calls() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            new SnapStartPriming(unreachable()).prime();
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("plaid call").doesNotContain("\"INFO\"")
                .doesNotContain("access-sandbox").doesNotContain("CloudWatchMetrics");
    }
}
