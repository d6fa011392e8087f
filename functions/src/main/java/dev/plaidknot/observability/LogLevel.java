package dev.plaidknot.observability;

import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/** The threshold below which log lines are dropped: LOG_LEVEL, else Lambda's own, else INFO. */
final class LogLevel {

    private LogLevel() {
    }

    static Level fromEnvironment(Map<String, String> env) {
        for (String name : new String[] {"LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                try {
                    return Level.valueOf(value.strip().toUpperCase(Locale.ROOT).replace("WARNING", "WARN")
                            .replace("FATAL", "ERROR"));
                } catch (IllegalArgumentException ignored) {
                    // an unknown level: keep looking, then the default
                }
            }
        }
        return Level.INFO;
    }
}
