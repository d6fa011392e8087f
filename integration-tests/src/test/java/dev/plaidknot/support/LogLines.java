package dev.plaidknot.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Captured output read as the service writes it: one JSON object per line. */
public final class LogLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogLines() {
    }

    /**
     * Every line as JSON; fails on any line that is not a JSON object, except the test harness's
     * own notes (which start with "[").
     */
    public static List<JsonNode> parse(String captured) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.split("\n")) {
            if (line.isBlank() || line.startsWith("[")) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (node == null || !node.isObject()) {
                    throw new AssertionError("a log line is not a JSON object: " + line);
                }
                lines.add(node);
            } catch (IOException e) {
                throw new AssertionError("a log line is not JSON: " + line, e);
            }
        }
        return lines;
    }

    /** The request outcome lines (one per request). */
    public static List<JsonNode> requests(List<JsonNode> lines) {
        return lines.stream().filter(l -> l.has("status") && l.has("route") && l.has("duration_ms")
                && l.path("message").asText().startsWith("request ")).toList();
    }

    /** The embedded-metric-format documents. */
    public static List<JsonNode> metrics(List<JsonNode> lines) {
        return lines.stream().filter(l -> l.has("_aws")).toList();
    }
}
