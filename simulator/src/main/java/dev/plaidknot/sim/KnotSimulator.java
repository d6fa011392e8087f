package dev.plaidknot.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knot's {@code POST /session/create} on 127.0.0.1, as strict as the Plaid simulator: Basic auth
 * with the client id and secret, {@code type}, {@code external_user_id}, {@code card_id} for
 * card_switcher, no unknown fields, and a {@code processor_token} only if the Plaid simulator
 * issued it for processor knot on a live item (the two share state, so an invented token is
 * refused). Errors come as {@code {"error_type","error_code","error_message"}}. Tests can make it
 * fail, stall or reject the keys.
 */
public final class KnotSimulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = Set.of("card_switcher", "transaction_link", "link", "vault");
    private static final Set<String> FIELDS = Set.of("type", "external_user_id", "card_id", "phone_number", "email",
            "card", "processor_token");

    /** A session Knot created, with what it was asked for. */
    public record Session(String session, String externalUserId, String cardId, String processorToken) {
    }

    private record Answer(int status, ObjectNode body) {
    }

    private sealed interface Fault {
        record Fail(int status, String code, String message) implements Fault { }
        record Stall(Duration duration) implements Fault { }
    }

    private final PlaidSimulator plaid;
    private final String clientId;
    private volatile String secret;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Session> sessions = Collections.synchronizedList(new ArrayList<>());

    private KnotSimulator(PlaidSimulator plaid, String clientId, String secret) throws IOException {
        this.plaid = plaid;
        this.clientId = clientId;
        this.secret = secret;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.createContext("/", this::handle);
        this.server.setExecutor(executor);
        this.server.start();
    }

    public static KnotSimulator start(PlaidSimulator plaid, String clientId, String secret) {
        try {
            return new KnotSimulator(plaid, clientId, secret);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the Knot simulator on 127.0.0.1", e);
        }
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void rotateSecret(String newSecret) {
        secret = newSecret;
    }

    public void failNext(int status, String code, String message) {
        faults.add(new Fault.Fail(status, code, message));
    }

    public void stallNext(Duration duration) {
        faults.add(new Fault.Stall(duration));
    }

    public int calls() {
        return calls.get();
    }

    public List<Session> sessions() {
        synchronized (sessions) {
            return List.copyOf(sessions);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readNBytes(1_000_000);
            Fault fault = faults.poll();
            if (fault instanceof Fault.Stall stall) {
                try {
                    closing.await(stall.duration().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Answer answer = fault instanceof Fault.Fail fail
                    ? error(fail.status(), "API_ERROR", fail.code(), fail.message())
                    : answer(exchange, raw);
            byte[] bytes = JSON.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientGone) {
            // the caller gave up first
        }
    }

    private Answer answer(HttpExchange exchange, byte[] raw) {
        if (!"POST".equals(exchange.getRequestMethod()) || !"/session/create".equals(exchange.getRequestURI().getPath())) {
            return error(404, "INVALID_REQUEST", "NOT_FOUND", "no such endpoint");
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return error(401, "INVALID_REQUEST", "INVALID_API_KEYS", "invalid client_id or secret");
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            return error(400, "INVALID_REQUEST", "INVALID_CONTENT_TYPE", "Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(raw);
        } catch (IOException e) {
            return error(400, "INVALID_REQUEST", "INVALID_BODY", "body is not valid JSON");
        }
        if (body == null || !body.isObject()) {
            return error(400, "INVALID_REQUEST", "INVALID_BODY", "body must be a JSON object");
        }
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return error(400, "INVALID_REQUEST", "UNKNOWN_FIELD", "unknown field " + name);
            }
        }
        String type = body.path("type").textValue();
        if (type == null || !TYPES.contains(type)) {
            return error(400, "INVALID_INPUT", "INVALID_FIELD", "type must be one of " + TYPES);
        }
        JsonNode externalUserId = body.get("external_user_id");
        if (externalUserId == null || !(externalUserId.isTextual() || externalUserId.isNumber())
                || externalUserId.asText().isBlank()) {
            return error(400, "INVALID_INPUT", "MISSING_FIELD", "external_user_id is required");
        }
        JsonNode cardId = body.get("card_id");
        if ("card_switcher".equals(type) && (cardId == null || !(cardId.isTextual() || cardId.isNumber())
                || cardId.asText().isBlank())) {
            return error(400, "INVALID_INPUT", "MISSING_FIELD", "card_id is required for card_switcher");
        }
        String processorToken = null;
        if (body.has("processor_token")) {
            processorToken = body.get("processor_token").textValue();
            if (processorToken == null || !plaid.isLiveKnotProcessorToken(processorToken)) {
                return error(400, "INVALID_INPUT", "INVALID_PROCESSOR_TOKEN",
                        "the processor_token is not valid for this client");
            }
        }
        String session = UUID.randomUUID().toString();
        sessions.add(new Session(session, externalUserId.asText(), cardId == null ? null : cardId.asText(), processorToken));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("session", session);
        return new Answer(200, answer);
    }

    private static Answer error(int status, String type, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_type", type);
        body.put("error_code", code);
        body.put("error_message", message);
        return new Answer(status, body);
    }
}
