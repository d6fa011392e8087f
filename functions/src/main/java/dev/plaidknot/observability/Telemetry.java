package dev.plaidknot.observability;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * What one invocation counted and how long its upstream calls took. Counts leave as CloudWatch
 * embedded-metric-format lines on stdout when the invocation ends: CloudWatch turns them into
 * metrics with no API call on the request path. Per thread, as Lambda runs one request per
 * environment at a time.
 */
public final class Telemetry {

    public static final String NAMESPACE = envOr("METRICS_NAMESPACE", "PlaidKnot");
    public static final String SERVICE = envOr("SERVICE_NAME", "plaid-knot");

    private static final AtomicBoolean COLD = new AtomicBoolean(true);
    private static final ThreadLocal<Observation> CURRENT = new ThreadLocal<>();

    /** A counter with one extra dimension, e.g. PlaidErrors by ErrorCode. */
    private record Dimensioned(String metric, String dimension, String value) {
    }

    /** Synchronized: a request's work can run on several threads at once ({@link #carried}). */
    private static final class Observation {
        final Map<String, Integer> counts = Collections.synchronizedMap(new LinkedHashMap<>());
        final Map<Dimensioned, Integer> dimensioned = Collections.synchronizedMap(new LinkedHashMap<>());
        final Map<String, Long> upstreamNanos = Collections.synchronizedMap(new LinkedHashMap<>());
        /** Each call's start and end: calls that overlap count once in the time spent waiting. */
        final List<long[]> upstreamSpans = Collections.synchronizedList(new ArrayList<>());
    }

    private Telemetry() {
    }

    /** A SnapStart restore: the next invocation counts as a cold start of this environment. */
    public static void restored() {
        COLD.set(true);
    }

    public static void begin() {
        Observation observation = new Observation();
        if (COLD.getAndSet(false)) {
            observation.counts.put("ColdStart", 1);
        }
        CURRENT.set(observation);
    }

    /**
     * {@code work}, to run on another thread, counting into this thread's invocation: its calls'
     * time and counts join this request's line and metrics.
     */
    public static <T> Supplier<T> carried(Supplier<T> work) {
        Observation observation = CURRENT.get();
        return () -> {
            Observation before = CURRENT.get();
            CURRENT.set(observation);
            try {
                return work.get();
            } finally {
                CURRENT.set(before);
            }
        };
    }

    public static void count(String metric) {
        Observation observation = CURRENT.get();
        if (observation != null) {
            observation.counts.merge(metric, 1, Integer::sum);
        }
    }

    public static void count(String metric, String dimension, String value) {
        Observation observation = CURRENT.get();
        if (observation != null) {
            observation.counts.merge(metric, 1, Integer::sum);
            observation.dimensioned.merge(new Dimensioned(metric, dimension, value), 1, Integer::sum);
        }
    }

    /**
     * One call to an upstream (plaid, knot, dynamodb, kms, secretsmanager): its time joins the
     * invocation's totals and, with tracing on, it becomes an X-Ray subsegment.
     */
    public static void upstreamCall(String name, String operation, long startedNanos, int httpStatus, boolean failed) {
        upstreamCall(name, operation, startedNanos, System.nanoTime(), httpStatus, failed);
    }

    static void upstreamCall(String name, String operation, long startedNanos, long endedNanos, int httpStatus,
                             boolean failed) {
        long nanos = endedNanos - startedNanos;
        long millis = nanos / 1_000_000;
        Observation observation = CURRENT.get();
        if (observation != null) {
            // Summed in nanoseconds: whole milliseconds per call would lose up to 1 ms on each.
            observation.upstreamNanos.merge(name, nanos, Long::sum);
            observation.upstreamSpans.add(new long[] {startedNanos, endedNanos});
        }
        long end = System.currentTimeMillis();
        Tracing.subsegment(name, name.equals("plaid") || name.equals("knot") ? "remote" : "aws", operation,
                end - millis, end, httpStatus, failed);
    }

    /** Total milliseconds per upstream so far in this invocation, to a tenth of a millisecond. */
    public static Map<String, Double> upstreamMillis() {
        Observation observation = CURRENT.get();
        if (observation == null) {
            return Map.of();
        }
        Map<String, Double> millis = new LinkedHashMap<>();
        observation.upstreamNanos.forEach((name, nanos) -> millis.put(name, millis(nanos)));
        return millis;
    }

    /**
     * Milliseconds of this invocation during which at least one upstream call was in flight: the
     * per-upstream totals add up calls that ran at the same time, this counts that time once, so
     * the request's duration less this is the time spent in our own code.
     */
    public static double upstreamWallMillis() {
        Observation observation = CURRENT.get();
        if (observation == null) {
            return 0;
        }
        List<long[]> spans;
        synchronized (observation.upstreamSpans) {
            spans = new ArrayList<>(observation.upstreamSpans);
        }
        spans.sort(Comparator.comparingLong(span -> span[0]));
        long waited = 0;
        long coveredTo = Long.MIN_VALUE;
        for (long[] span : spans) {
            long from = Math.max(span[0], coveredTo);
            if (span[1] > from) {
                waited += span[1] - from;
                coveredTo = span[1];
            }
        }
        return millis(waited);
    }

    /** Nanoseconds as milliseconds to a tenth, the precision of every duration in the logs. */
    public static double millis(long nanos) {
        return Math.round(nanos / 100_000.0) / 10.0;
    }

    /**
     * Ends the invocation: writes its metrics (if any) and forgets them. The SnapStart priming
     * walk's invocations write theirs where {@link QuietLogs} discards them: they are not traffic.
     */
    public static void end(String route) {
        Observation observation = CURRENT.get();
        CURRENT.remove();
        if (observation == null || observation.counts.isEmpty()) {
            return;
        }
        Map<String, Integer> undimensioned = new LinkedHashMap<>(observation.counts);
        observation.dimensioned.keySet().forEach(d -> undimensioned.remove(d.metric()));
        List<String> lines = new ArrayList<>();
        if (!undimensioned.isEmpty()) {
            lines.add(document(route, undimensioned, null, null));
        }
        for (Map.Entry<Dimensioned, Integer> entry : observation.dimensioned.entrySet()) {
            Dimensioned d = entry.getKey();
            lines.add(document(route, Map.of(d.metric(), entry.getValue()), d.dimension(), d.value()));
        }
        PrintStream out = QuietLogs.out(false);
        lines.forEach(out::println);
    }

    /** One EMF document: the metrics under [Service] (and [Service, dimension] when given). */
    private static String document(String route, Map<String, Integer> metrics, String dimension, String value) {
        StringWriter line = new StringWriter(256);
        try (JsonWriter json = new JsonWriter(line)) {
            json.beginObject();
            json.name("_aws").beginObject();
            json.name("Timestamp").value(System.currentTimeMillis());
            json.name("CloudWatchMetrics").beginArray();
            json.beginObject();
            json.name("Namespace").value(NAMESPACE);
            json.name("Dimensions").beginArray();
            json.beginArray();
            json.value("Service");
            json.endArray();
            if (dimension != null) {
                json.beginArray();
                json.value("Service");
                json.value(dimension);
                json.endArray();
            }
            json.endArray();
            json.name("Metrics").beginArray();
            for (String metric : metrics.keySet()) {
                json.beginObject();
                json.name("Name").value(metric);
                json.name("Unit").value("Count");
                json.endObject();
            }
            json.endArray();
            json.endObject();
            json.endArray();
            json.endObject();
            json.name("Service").value(SERVICE);
            if (dimension != null) {
                json.name(dimension).value(value);
            }
            json.name("route").value(route);
            String requestId = MDC.get("lambda_request_id");
            if (requestId != null) {
                json.name("lambda_request_id").value(requestId);
            }
            for (Map.Entry<String, Integer> metric : metrics.entrySet()) {
                json.name(metric.getKey()).value(metric.getValue());
            }
            json.endObject();
        } catch (IOException e) {
            throw new IllegalStateException("a metric line could not be written", e);
        }
        return line.toString();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
