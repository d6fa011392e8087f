package dev.plaidknot.observability;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private static final JsonFactory JSON = new JsonFactory();
    private static final AtomicBoolean COLD = new AtomicBoolean(true);
    private static final ThreadLocal<Observation> CURRENT = new ThreadLocal<>();

    /** A counter with one extra dimension, e.g. PlaidErrors by ErrorCode. */
    private record Dimensioned(String metric, String dimension, String value) {
    }

    private static final class Observation {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        final Map<Dimensioned, Integer> dimensioned = new LinkedHashMap<>();
        final Map<String, Long> upstreamNanos = new LinkedHashMap<>();
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
        long nanos = System.nanoTime() - startedNanos;
        long millis = nanos / 1_000_000;
        Observation observation = CURRENT.get();
        if (observation != null) {
            // Summed in nanoseconds: whole milliseconds per call would lose up to 1 ms on each.
            observation.upstreamNanos.merge(name, nanos, Long::sum);
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
        observation.upstreamNanos.forEach((name, nanos) -> millis.put(name, Math.round(nanos / 100_000.0) / 10.0));
        return millis;
    }

    /** Ends the invocation: writes its metrics (if any) and forgets them. */
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
        lines.forEach(System.out::println);
    }

    /** One EMF document: the metrics under [Service] (and [Service, dimension] when given). */
    private static String document(String route, Map<String, Integer> metrics, String dimension, String value) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", System.currentTimeMillis());
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", NAMESPACE);
            json.writeArrayFieldStart("Dimensions");
            json.writeStartArray();
            json.writeString("Service");
            json.writeEndArray();
            if (dimension != null) {
                json.writeStartArray();
                json.writeString("Service");
                json.writeString(dimension);
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            for (String metric : metrics.keySet()) {
                json.writeStartObject();
                json.writeStringField("Name", metric);
                json.writeStringField("Unit", "Count");
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField("Service", SERVICE);
            if (dimension != null) {
                json.writeStringField(dimension, value);
            }
            json.writeStringField("route", route);
            String requestId = MDC.get("lambda_request_id");
            if (requestId != null) {
                json.writeStringField("lambda_request_id", requestId);
            }
            for (Map.Entry<String, Integer> metric : metrics.entrySet()) {
                json.writeNumberField(metric.getKey(), metric.getValue());
            }
            json.writeEndObject();
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
