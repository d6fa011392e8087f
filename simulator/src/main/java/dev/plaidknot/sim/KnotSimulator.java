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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Instant;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * Knot on 127.0.0.1, as strict as the Plaid simulator. {@code POST /session/create}: Basic auth
 * with the client id and secret, {@code type}, {@code external_user_id}, {@code card_id} for
 * card_switcher, no unknown fields, and a {@code processor_token} only if the Plaid simulator
 * issued it for processor knot on a live item (the two share state, so an invented token is
 * refused). {@code POST /session/extend} for a session it holds; {@code GET /jwe/key} its own RSA
 * key; {@code POST /card} only for a task it is waiting on, with a JWE it can decrypt to a
 * well-formed user and card. {@link #loginToMerchant} plays a cardholder logging in to a merchant
 * in CardSwitcher: a signed {@code AUTHENTICATED} to the webhook, up to 15 s for the card, then
 * {@code CARD_UPDATED} or {@code CARD_FAILED}. Errors come as
 * {@code {"error_type","error_code","error_message"}}. Tests can make it fail, stall or reject the keys.
 */
public final class KnotSimulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = Set.of("card_switcher", "transaction_link", "link", "vault");
    private static final Set<String> FIELDS = Set.of("type", "external_user_id", "card_id", "phone_number", "email",
            "card", "processor_token");

    /** A session Knot created, with what it was asked for. */
    public record Session(String session, String externalUserId, String cardId, String processorToken) {
    }

    /** Where Knot posts its webhooks: the headers and body of one delivery in, the HTTP status out. */
    @FunctionalInterface
    public interface WebhookReceiver {
        int deliver(Map<String, String> headers, byte[] body);

        /** Posting to a URL, as Knot does. */
        static WebhookReceiver at(URI url) {
            HttpClient client = HttpClient.newHttpClient();
            return (headers, body) -> {
                HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach((name, value) -> {
                    if (!name.equalsIgnoreCase("Content-Length")) {
                        request.header(name, value);
                    }
                });
                try {
                    return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    return 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            };
        }
    }

    /** A merchant in CardSwitcher's list. */
    public record Merchant(int id, String name) {
    }

    /** What a merchant login came to, as the tests read it. */
    public record MerchantLogin(String taskId, int authenticatedStatus, boolean cardReceived, JsonNode card,
                                String finalEvent, int finalStatus) {
    }

    /** A card Knot received for a task, decrypted, and when ({@link System#nanoTime()}). */
    public record ReceivedCard(String taskId, JsonNode body, long arrivedNanos) {
    }

    private record Task(String session, Merchant merchant, CountDownLatch cardArrived, AtomicReference<JsonNode> card) {
    }

    /** How long Knot waits for the card after AUTHENTICATED. */
    public static final Duration CARD_WINDOW = Duration.ofSeconds(15);
    private static final Duration SESSION_LIFETIME = Duration.ofMinutes(30);

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
    private final Map<String, Instant> sessionEnds = new ConcurrentHashMap<>();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final List<ReceivedCard> cards = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger cardCalls = new AtomicInteger();
    private final RSAKey cardKey = rsaKey();
    private volatile WebhookReceiver webhooks = (headers, body) -> 0;
    private volatile Duration cardWindow = CARD_WINDOW;

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

    /** Where the webhooks of {@link #loginToMerchant} go. */
    public void sendWebhooksTo(WebhookReceiver receiver) {
        this.webhooks = receiver;
    }

    /** How long a merchant login waits for the card, from its AUTHENTICATED (Knot's is {@link #CARD_WINDOW}). */
    public void waitForCardsUpTo(Duration window) {
        this.cardWindow = window;
    }

    /** Knot's card-encryption key as {@code GET /jwe/key} serves it (public part). */
    public String cardKeyJwk() {
        return cardKey.toPublicJWK().toJSONString();
    }

    /** Every card Knot received through {@code POST /card} and could decrypt, in order. */
    public List<ReceivedCard> receivedCards() {
        synchronized (cards) {
            return List.copyOf(cards);
        }
    }

    /** Every {@code POST /card} call, accepted or not. */
    public int cardCalls() {
        return cardCalls.get();
    }

    /**
     * A cardholder logs in to {@code merchant} in this session's CardSwitcher: Knot posts a signed
     * {@code AUTHENTICATED} ({@code send_card} as given), waits up to {@link #CARD_WINDOW} for the
     * card (counted from the webhook) when it asked for one, then posts {@code CARD_UPDATED}, or {@code CARD_FAILED} with
     * {@code failWith} as the reason when that is given or no card came.
     */
    public MerchantLogin loginToMerchant(String session, Merchant merchant, boolean sendCard, String failWith) {
        Session opened = sessions().stream().filter(s -> s.session().equals(session)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such session"));
        String taskId = UUID.randomUUID().toString();
        Task task = new Task(session, merchant, new CountDownLatch(1), new AtomicReference<>());
        tasks.put(taskId, task);
        try {
            ObjectNode data = JSON.createObjectNode();
            data.put("card_id", opened.cardId());
            data.put("send_card", sendCard);
            long sent = System.nanoTime();
            int authenticated = deliver(webhook("AUTHENTICATED", opened, taskId, merchant, data));
            boolean received = false;
            if (sendCard) {
                try {
                    // The window counts from the webhook, however long its answer took.
                    long left = cardWindow.toNanos() - (System.nanoTime() - sent);
                    received = task.cardArrived().await(Math.max(left, 0), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!sendCard) {
                return new MerchantLogin(taskId, authenticated, false, null, null, 0);
            }
            ObjectNode outcome = JSON.createObjectNode();
            outcome.put("card_id", opened.cardId());
            String event = received && failWith == null ? "CARD_UPDATED" : "CARD_FAILED";
            if (event.equals("CARD_FAILED")) {
                outcome.put("reason", failWith != null ? failWith : "card not received in time");
            }
            int finalStatus = deliver(webhook(event, opened, taskId, merchant, outcome));
            return new MerchantLogin(taskId, authenticated, received, task.card().get(), event, finalStatus);
        } finally {
            tasks.remove(taskId);
        }
    }

    /** A webhook Knot would send for this session, with its headers (the signature included). */
    public Map.Entry<Map<String, String>, byte[]> signedWebhook(String event, String sessionId, String taskId,
                                                                 String externalUserId, Merchant merchant,
                                                                 JsonNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.put("event", event);
        if (sessionId != null) {
            body.put("session_id", sessionId);
        }
        if (taskId != null) {
            body.put("task_id", taskId);
        }
        if (externalUserId != null) {
            body.put("external_user_id", externalUserId);
        }
        if (merchant != null) {
            ObjectNode m = body.putObject("merchant");
            m.put("id", merchant.id());
            m.put("name", merchant.name());
        }
        if (data != null) {
            body.set("data", data);
        }
        body.put("timestamp", System.currentTimeMillis());
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Content-Length", Integer.toString(bytes.length));
        headers.put("Knot-Signature", sign(bytes.length, "application/json", event, sessionId, secret));
        return Map.entry(headers, bytes);
    }

    /** Knot's signature of a delivery, keyed with {@code key}. */
    public static String sign(long contentLength, String contentType, String event, String sessionId, String key) {
        String signed = "Content-Length|" + contentLength + "|Content-Type|" + contentType
                + "|Encryption-Type|HMAC-SHA256|event|" + event + (sessionId == null ? "" : "|session_id|" + sessionId);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map.Entry<Map<String, String>, byte[]> webhook(String event, Session session, String taskId,
                                                           Merchant merchant, JsonNode data) {
        return signedWebhook(event, session.session(), taskId, session.externalUserId(), merchant, data);
    }

    private int deliver(Map.Entry<Map<String, String>, byte[]> webhook) {
        return webhooks.deliver(webhook.getKey(), webhook.getValue());
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
        String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        if (!Set.of("POST /session/create", "POST /session/extend", "GET /jwe/key", "POST /card").contains(route)) {
            return error(404, "INVALID_REQUEST", "NOT_FOUND", "no such endpoint");
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return error(401, "INVALID_REQUEST", "INVALID_API_KEYS", "invalid client_id or secret");
        }
        if (route.equals("GET /jwe/key")) {
            return new Answer(200, (ObjectNode) readTree(cardKeyJwk()));
        }
        if (route.equals("POST /card")) {
            cardCalls.incrementAndGet();
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
        if (route.equals("POST /session/extend")) {
            return extend(body);
        }
        if (route.equals("POST /card")) {
            return card(body);
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
        sessionEnds.put(session, Instant.now().plus(SESSION_LIFETIME));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("session", session);
        return new Answer(200, answer);
    }

    private Answer extend(JsonNode body) {
        if (body.size() != 1 || !body.path("session_id").isTextual()) {
            return error(400, "INVALID_INPUT", "INVALID_FIELD", "session_id is required and is the only field");
        }
        String session = body.get("session_id").asText();
        Instant end = sessionEnds.get(session);
        if (end == null || end.isBefore(Instant.now())) {
            return error(404, "INVALID_INPUT", "SESSION_NOT_FOUND", "no open session with this id");
        }
        sessionEnds.put(session, Instant.now().plus(SESSION_LIFETIME));
        return success();
    }

    /** {@code POST /card}: only for a task waiting on its card, with a JWE that opens to a well-formed user and card. */
    private Answer card(JsonNode body) {
        if (body.size() != 2 || !body.path("task_id").isTextual() || !body.path("jwe").isTextual()) {
            return error(400, "INVALID_INPUT", "INVALID_FIELD", "task_id and jwe are required and the only fields");
        }
        Task task = tasks.get(body.get("task_id").asText());
        if (task == null) {
            return error(404, "INVALID_INPUT", "TASK_NOT_FOUND", "no task waiting for a card with this id");
        }
        JsonNode card;
        try {
            JWEObject jwe = JWEObject.parse(body.get("jwe").asText());
            if (!JWEAlgorithm.RSA_OAEP_256.equals(jwe.getHeader().getAlgorithm())
                    || !EncryptionMethod.A256GCM.equals(jwe.getHeader().getEncryptionMethod())) {
                return error(400, "INVALID_INPUT", "INVALID_JWE", "the JWE must be RSA-OAEP-256 with A256GCM");
            }
            jwe.decrypt(new RSADecrypter(cardKey));
            card = JSON.readTree(jwe.getPayload().toString());
        } catch (ParseException | JOSEException | IOException e) {
            return error(400, "INVALID_INPUT", "INVALID_JWE", "the JWE could not be decrypted with Knot's key");
        }
        String problem = cardProblem(card);
        if (problem != null) {
            return error(400, "INVALID_INPUT", "INVALID_CARD", problem);
        }
        if (task.card().compareAndSet(null, card)) {
            cards.add(new ReceivedCard(body.get("task_id").asText(), card, System.nanoTime()));
            task.cardArrived().countDown();
            return success();
        }
        return error(409, "INVALID_INPUT", "CARD_ALREADY_RECEIVED", "this task already has its card");
    }

    /** What is wrong with a card body, or null: every field Knot documents, as strings of the right form. */
    static String cardProblem(JsonNode body) {
        JsonNode user = body.path("user");
        for (String field : List.of("first_name", "last_name")) {
            if (!nonBlank(user.path("name").path(field))) {
                return "user.name." + field + " is required";
            }
        }
        for (String field : List.of("street", "city", "region", "postal_code", "country")) {
            if (!nonBlank(user.path("address").path(field))) {
                return "user.address." + field + " is required";
            }
        }
        if (!nonBlank(user.path("phone_number"))) {
            return "user.phone_number is required";
        }
        JsonNode card = body.path("card");
        if (!card.path("number").isTextual() || !card.path("number").asText().matches("\\d{12,19}")
                || !luhn(card.path("number").asText())) {
            return "card.number must be a card number";
        }
        if (!card.path("expiration").isTextual() || !card.path("expiration").asText().matches("(0[1-9]|1[0-2])/\\d{4}")) {
            return "card.expiration must be MM/YYYY";
        }
        if (!card.path("cvv").isTextual() || !card.path("cvv").asText().matches("\\d{3,4}")) {
            return "card.cvv must be 3 or 4 digits";
        }
        return null;
    }

    private static boolean nonBlank(JsonNode value) {
        return value.isTextual() && !value.asText().isBlank();
    }

    private static boolean luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }

    private static Answer success() {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("message", "Success");
        return new Answer(200, answer);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).algorithm(JWEAlgorithm.RSA_OAEP_256)
                    .keyUse(KeyUse.ENCRYPTION).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Answer error(int status, String type, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_type", type);
        body.put("error_code", code);
        body.put("error_message", message);
        return new Answer(status, body);
    }
}
