package dev.plaidknot.observability;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * X-Ray subsegments for each upstream call, sent to the X-Ray daemon as Lambda runs it (UDP, the
 * documented segment-document protocol) under the invocation's trace header. Only on when the
 * template turns tracing on; a subsegment names the upstream, the operation and the HTTP status,
 * never anything from a request or response body. No X-Ray SDK: it would bring the Apache HTTP
 * client this package keeps out, and it is in maintenance.
 */
public final class Tracing {

    private static final String HEADER = "{\"format\":\"json\",\"version\":1}\n";

    private static volatile DatagramSocket socket;
    /** SecureRandom, not ThreadLocalRandom: ids must differ across environments restored from one snapshot. */
    private static final SecureRandom IDS = new SecureRandom();

    private Tracing() {
    }

    static boolean enabled() {
        return "true".equalsIgnoreCase(setting("plaidknot.tracing", "TRACING_ENABLED"));
    }

    /** The invocation's trace header: Lambda's Java runtime sets it per invocation as this property. */
    private static String traceHeader() {
        String header = System.getProperty("com.amazonaws.xray.traceHeader");
        return header != null ? header : System.getenv("_X_AMZN_TRACE_ID");
    }

    static void subsegment(String name, String namespace, String operation, long startMillis, long endMillis,
                           int httpStatus, boolean failed) {
        if (!enabled()) {
            return;
        }
        String header = traceHeader();
        String root = field(header, "Root");
        String parent = field(header, "Parent");
        if (root == null || parent == null || "0".equals(field(header, "Sampled"))) {
            return;
        }
        InetSocketAddress daemon = daemon();
        if (daemon == null) {
            return;
        }
        StringWriter document = new StringWriter(256);
        try (JsonWriter json = new JsonWriter(document)) {
            json.beginObject();
            json.name("name").value(name);
            json.name("id").value(HexFormat.of().toHexDigits(IDS.nextLong()));
            json.name("trace_id").value(root);
            json.name("parent_id").value(parent);
            json.name("type").value("subsegment");
            json.name("namespace").value(namespace);
            json.name("start_time").value(startMillis / 1000.0);
            json.name("end_time").value(endMillis / 1000.0);
            if (httpStatus > 0) {
                json.name("http").beginObject();
                json.name("response").beginObject();
                json.name("status").value(httpStatus);
                json.endObject();
                json.endObject();
            }
            if (failed) {
                json.name(httpStatus >= 400 && httpStatus < 500 ? "error" : "fault").value(true);
            }
            json.name("aws".equals(namespace) ? "aws" : "annotations").beginObject();
            json.name("operation").value(operation);
            json.endObject();
            json.endObject();
        } catch (IOException e) {
            return;
        }
        byte[] bytes = (HEADER + document).getBytes(StandardCharsets.UTF_8);
        try {
            socket().send(new DatagramPacket(bytes, bytes.length, daemon));
        } catch (IOException e) {
            // Tracing must never fail a request.
        }
    }

    private static InetSocketAddress daemon() {
        String address = setting("aws.xray.daemonAddress", "AWS_XRAY_DAEMON_ADDRESS");
        if (address == null) {
            return null;
        }
        // The variable may hold "tcp:host:port udp:host:port"; segments go over UDP.
        for (String part : address.split(" ")) {
            String hostPort = part.startsWith("udp:") ? part.substring(4) : part;
            if (part.startsWith("tcp:")) {
                continue;
            }
            int colon = hostPort.lastIndexOf(':');
            try {
                return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
            } catch (RuntimeException ignored) {
                return null;
            }
        }
        return null;
    }

    private static DatagramSocket socket() throws SocketException {
        DatagramSocket current = socket;
        if (current == null) {
            synchronized (Tracing.class) {
                if (socket == null) {
                    socket = new DatagramSocket();
                }
                current = socket;
            }
        }
        return current;
    }

    private static String field(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).strip().equals(name)) {
                return part.substring(equals + 1).strip();
            }
        }
        return null;
    }

    private static String setting(String property, String variable) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(variable);
    }
}
