package dev.plaidknot.observability;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * Writes each event as one JSON line: timestamp, level, logger, message, the request context
 * (MDC) and the event's key-value pairs. A throwable is named by class only: its message could
 * quote input. Lines go to stdout as a whole, so concurrent requests never interleave mid-line.
 */
final class JsonLogger extends AbstractLogger implements LoggingEventAware {

    private final Level threshold;
    private final String shortName;
    private final transient BasicMDCAdapter mdc;

    JsonLogger(String name, Level threshold, BasicMDCAdapter mdc) {
        this.name = name;
        this.threshold = threshold;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
        this.mdc = mdc;
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold.toInt();
    }

    @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
    @Override public boolean isTraceEnabled(Marker marker) { return isTraceEnabled(); }
    @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
    @Override public boolean isDebugEnabled(Marker marker) { return isDebugEnabled(); }
    @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
    @Override public boolean isInfoEnabled(Marker marker) { return isInfoEnabled(); }
    @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
    @Override public boolean isWarnEnabled(Marker marker) { return isWarnEnabled(); }
    @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }
    @Override public boolean isErrorEnabled(Marker marker) { return isErrorEnabled(); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        write(level, pattern, arguments, throwable, List.of());
    }

    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) {
            return;
        }
        Object[] arguments = event.getArgumentArray();
        write(event.getLevel(), event.getMessage(), arguments, event.getThrowable(),
                event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs());
    }

    private void write(Level level, String pattern, Object[] arguments, Throwable throwable, List<KeyValuePair> pairs) {
        StringWriter line = new StringWriter(256);
        try (JsonWriter json = new JsonWriter(line)) {
            json.beginObject();
            json.name("timestamp").value(Instant.now().toString());
            json.name("level").value(level.name());
            json.name("logger").value(shortName);
            json.name("message").value(arguments == null || arguments.length == 0
                    ? pattern : MessageFormatter.basicArrayFormat(pattern, arguments));
            Map<String, String> context = mdc.getCopyOfContextMap();
            if (context != null) {
                for (Map.Entry<String, String> entry : context.entrySet()) {
                    json.name(entry.getKey()).value(entry.getValue());
                }
            }
            for (KeyValuePair pair : pairs) {
                writeValue(json, pair.key, pair.value);
            }
            if (throwable != null) {
                json.name("exception").value(throwable.getClass().getName());
            }
            json.endObject();
        } catch (IOException e) {
            return;
        }
        QuietLogs.out(level.toInt() >= Level.WARN.toInt()).println(line);
    }

    private static void writeValue(JsonWriter json, String key, Object value) throws IOException {
        switch (value) {
            case null -> json.name(key).nullValue();
            case Integer i -> json.name(key).value(i);
            case Long l -> json.name(key).value(l);
            // Gson refuses NaN and the infinities as numbers; a log line must still be written.
            case Double d when d.isNaN() || d.isInfinite() -> json.name(key).value(d.toString());
            case Double d -> json.name(key).value(d);
            case Boolean b -> json.name(key).value(b);
            case Map<?, ?> map -> {
                json.name(key).beginObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    writeValue(json, String.valueOf(entry.getKey()), entry.getValue());
                }
                json.endObject();
            }
            default -> json.name(key).value(String.valueOf(value));
        }
    }
}
