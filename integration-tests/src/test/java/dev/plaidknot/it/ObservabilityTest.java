package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidError;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.AwsEmulator;
import dev.plaidknot.support.LogCapture;
import dev.plaidknot.support.LogLines;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What on-call sees: every log line is one JSON object with the request's context; metrics are
 * embedded-metric-format documents whose counts match what happened; with tracing on, each
 * upstream call is an X-Ray subsegment with nothing secret in it.
 */
class ObservabilityTest extends WithRig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Captured(List<JsonNode> lines, String text) {
        List<JsonNode> forRequest(String lambdaRequestId) {
            return lines.stream().filter(l -> lambdaRequestId.equals(l.path("lambda_request_id").asText())).toList();
        }
    }

    private static Captured capture(Runnable flow) {
        try (LogCapture capture = new LogCapture()) {
            flow.run();
            return new Captured(LogLines.parse(capture.text()), capture.text());
        }
    }

    @Test
    void every_request_line_carries_its_ids_route_caller_status_and_upstream_latency() {
        Captured captured = capture(() -> {
            api.createLinkToken.handleRequest(ApiEvents.from("obs-user", "POST /create_link_token", null), new LambdaContext());
            String itemId = api.link("obs-user");
            api.list("obs-user", Map.of());
            api.knotSession("obs-user", "{\"card_id\":\"card-1\"}");
            api.deliverSigned(PlaidSimulator.itemWebhook(itemId, "ERROR", "ITEM_LOGIN_REQUIRED"));
            api.delete("obs-user", itemId);
        });

        List<JsonNode> requests = LogLines.requests(captured.lines());
        assertThat(requests).extracting(r -> r.path("route").asText())
                .contains("create_link_token", "exchange_public_token", "list_items", "knot_session", "plaid_webhook",
                        "delete_item");
        for (JsonNode request : requests) {
            assertThat(request.path("timestamp").asText()).isNotBlank();
            assertThat(request.path("level").asText()).isIn("INFO", "WARN", "ERROR");
            assertThat(request.path("lambda_request_id").asText()).isNotBlank();
            assertThat(request.path("api_request_id").asText()).isNotBlank();
            assertThat(request.path("status").isInt()).isTrue();
            assertThat(request.path("duration_ms").isNumber()).isTrue();
            assertThat(request.path("upstream_ms").isObject()).isTrue();
            if (!request.path("route").asText().equals("plaid_webhook")) {
                assertThat(request.path("caller").asText()).isEqualTo("obs-user");
            }
        }
        JsonNode exchange = requests.stream().filter(r -> r.path("route").asText().equals("exchange_public_token"))
                .findFirst().orElseThrow();
        assertThat(exchange.path("upstream_ms").fieldNames()).toIterable().contains("plaid", "dynamodb", "kms");
        List<JsonNode> plaidCalls = captured.forRequest(exchange.path("lambda_request_id").asText()).stream()
                .filter(l -> "plaid".equals(l.path("upstream").asText())).toList();
        assertThat(plaidCalls).extracting(l -> l.path("operation").asText())
                .contains("item/public_token/exchange", "accounts/get", "processor/token/create");
        assertThat(plaidCalls).allMatch(l -> l.path("duration_ms").isNumber() && l.has("outcome"));
    }

    @Test
    void a_plaid_failure_names_plaids_code_and_request_id_and_a_dependency_failure_its_dependency() {
        Captured captured = capture(() -> {
            rig.plaid.failNext("/item/public_token/exchange", PlaidError.internalServerError());
            api.exchange.handleRequest(ApiEvents.from("obs-fail", "POST /exchange_public_token",
                    "{\"public_token\":\"" + rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK) + "\"}"),
                    new LambdaContext());
            new ExchangePublicTokenHandler(rig.wiring(Map.of(), () -> rig.secrets, AwsEmulator::unreachableDynamo,
                    () -> rig.kms)).handleRequest(ApiEvents.from("obs-fail", "POST /exchange_public_token",
                    "{\"public_token\":\"" + rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK) + "\"}"),
                    new LambdaContext());
        });

        List<JsonNode> failures = LogLines.requests(captured.lines()).stream()
                .filter(r -> r.path("status").asInt() >= 500).toList();
        assertThat(failures).hasSize(2);
        JsonNode plaid = failures.get(0);
        assertThat(plaid.path("plaid_error_code").asText()).isEqualTo("INTERNAL_SERVER_ERROR");
        assertThat(plaid.path("plaid_request_id").asText())
                .isEqualTo(rig.plaid.received("/item/public_token/exchange").getLast().requestId());
        assertThat(plaid.path("level").asText()).isEqualTo("ERROR");
        assertThat(failures.get(1).path("dependency").asText()).isEqualTo("dynamodb");

        List<JsonNode> docs = LogLines.metrics(captured.lines());
        assertThat(docs).anyMatch(d -> "INTERNAL_SERVER_ERROR".equals(d.path("ErrorCode").asText()) && d.path("PlaidErrors").asInt() == 1);
        assertThat(docs).anyMatch(d -> "dynamodb".equals(d.path("Dependency").asText()) && d.path("DependencyFailures").asInt() == 1);
    }

    @Test
    void metrics_are_embedded_metric_format_and_count_what_happened() {
        Captured captured = capture(() -> {
            api.createLinkToken.handleRequest(ApiEvents.from("obs-metrics", "POST /create_link_token", null), new LambdaContext());
            api.link("obs-metrics");
            api.knotSession("obs-metrics", "{\"card_id\":\"card-1\"}");
        });

        List<JsonNode> docs = LogLines.metrics(captured.lines());
        assertThat(docs).isNotEmpty();
        for (JsonNode doc : docs) {
            JsonNode directive = doc.path("_aws").path("CloudWatchMetrics").get(0);
            assertThat(doc.path("_aws").path("Timestamp").isNumber()).isTrue();
            assertThat(directive.path("Namespace").asText()).isEqualTo("PlaidKnot");
            assertThat(directive.path("Dimensions").get(0).get(0).asText()).isEqualTo("Service");
            assertThat(doc.path("Service").asText()).isEqualTo("plaid-knot");
            for (JsonNode dimensions : directive.path("Dimensions")) {
                dimensions.forEach(d -> assertThat(doc.has(d.asText())).as("dimension %s has a value", d).isTrue());
            }
            for (JsonNode metric : directive.path("Metrics")) {
                assertThat(doc.path(metric.path("Name").asText()).isNumber()).as(metric.toString()).isTrue();
                assertThat(metric.path("Unit").asText()).isEqualTo("Count");
            }
        }
        assertThat(total(docs, "exchange_public_token", "ExchangesCompleted")).isEqualTo(1);
        assertThat(total(docs, "exchange_public_token", "ProcessorTokensCreated")).isEqualTo(3);
        assertThat(total(docs, "exchange_public_token", "ProcessorTokensFailed")).isZero();
        assertThat(total(docs, "create_link_token", "LinkTokensCreated")).isEqualTo(1);
        assertThat(total(docs, "knot_session", "KnotSessionsCreated")).isEqualTo(1);
        assertThat(total(docs, "exchange_public_token", "PlaidCalls")).isEqualTo(5);
    }

    private static int total(List<JsonNode> docs, String route, String metric) {
        return docs.stream().filter(d -> route.equals(d.path("route").asText()))
                .mapToInt(d -> d.path(metric).asInt(0)).sum();
    }

    @Test
    void with_tracing_on_each_upstream_call_is_a_subsegment_holding_nothing_secret() throws Exception {
        try (DatagramSocket daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            daemon.setSoTimeout(1500);
            String root = "1-6745a1c8-3b2f1e0d9c8b7a6f5e4d3c2b";
            Map<String, String> properties = Map.of(
                    "plaidknot.tracing", "true",
                    "aws.xray.daemonAddress", "127.0.0.1:" + daemon.getLocalPort(),
                    "com.amazonaws.xray.traceHeader", "Root=" + root + ";Parent=53995c3f42cd8ad8;Sampled=1");
            properties.forEach(System::setProperty);
            APIGatewayV2HTTPResponse response;
            try {
                // A fresh wiring: its secret is not cached yet, so Secrets Manager is called too.
                response = new ExchangePublicTokenHandler(rig.wiring()).handleRequest(ApiEvents.from("obs-trace",
                        "POST /exchange_public_token",
                        "{\"public_token\":\"" + rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK) + "\"}"),
                        new LambdaContext());
            } finally {
                properties.keySet().forEach(System::clearProperty);
            }
            assertThat(response.getStatusCode()).isEqualTo(201);

            List<JsonNode> subsegments = new ArrayList<>();
            List<String> raw = new ArrayList<>();
            byte[] buffer = new byte[65_536];
            for (int i = 0; i < 100; i++) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    daemon.receive(packet);
                } catch (SocketTimeoutException drained) {
                    break;
                }
                String datagram = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                raw.add(datagram);
                String[] parts = datagram.split("\n", 2);
                assertThat(JSON.readTree(parts[0]).path("format").asText()).isEqualTo("json");
                subsegments.add(JSON.readTree(parts[1]));
            }
            Set<String> names = subsegments.stream().map(s -> s.path("name").asText()).collect(Collectors.toSet());
            assertThat(names).contains("plaid", "dynamodb", "kms", "secretsmanager");
            assertThat(subsegments).allMatch(s -> s.path("trace_id").asText().equals(root)
                    && s.path("parent_id").asText().equals("53995c3f42cd8ad8")
                    && s.path("end_time").asDouble() >= s.path("start_time").asDouble());
            assertThat(subsegments).filteredOn(s -> s.path("name").asText().equals("plaid"))
                    .extracting(s -> s.path("annotations").path("operation").asText())
                    .contains("item/public_token/exchange", "accounts/get", "processor/token/create");
            List<String> secrets = rig.plaid.allSecrets();
            for (String datagram : raw) {
                for (String secret : secrets) {
                    assertThat(datagram).doesNotContain(secret);
                }
                assertThat(datagram).doesNotContain("access-sandbox-").doesNotContain("processor-sandbox-")
                        .doesNotContain("public-sandbox-");
            }
            assertThat(json(response).path("item_id").asText()).isNotBlank();
        }
    }

    @Test
    void with_tracing_off_nothing_is_sent() throws Exception {
        try (DatagramSocket daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            daemon.setSoTimeout(500);
            System.setProperty("aws.xray.daemonAddress", "127.0.0.1:" + daemon.getLocalPort());
            System.setProperty("com.amazonaws.xray.traceHeader", "Root=1-6745a1c8-3b2f1e0d9c8b7a6f5e4d3c2b;Parent=53995c3f42cd8ad8;Sampled=1");
            try {
                api.createLinkToken.handleRequest(ApiEvents.from("obs-untraced", "POST /create_link_token", null),
                        new LambdaContext());
            } finally {
                System.clearProperty("aws.xray.daemonAddress");
                System.clearProperty("com.amazonaws.xray.traceHeader");
            }
            DatagramPacket packet = new DatagramPacket(new byte[1024], 1024);
            boolean received;
            try {
                daemon.receive(packet);
                received = true;
            } catch (SocketTimeoutException nothing) {
                received = false;
            }
            assertThat(received).isFalse();
        }
    }
}
