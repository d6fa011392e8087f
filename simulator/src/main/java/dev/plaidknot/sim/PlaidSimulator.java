package dev.plaidknot.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.plaidknot.sim.Schema.Type;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A stateful, strict stand-in for Plaid's sandbox on 127.0.0.1: the only picture of Plaid the
 * tests have, so it refuses whatever real Plaid would refuse. It checks the API keys and
 * {@code Plaid-Version}, every field against the 2020-09-14 request schemas, token formats, makes
 * public tokens single-use, knows each item's accounts, issues Knot processor tokens only, and
 * answers errors in Plaid's shape and statuses. Tests can make it fail, stall, reset or
 * rate-limit a given path.
 */
public final class PlaidSimulator implements AutoCloseable {

    public static final String PLAID_VERSION = "2020-09-14";
    public static final String FIRST_PLATYPUS_BANK = "ins_109508";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UUID_FORMAT = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern PUBLIC_TOKEN = Pattern.compile("public-sandbox-" + UUID_FORMAT);
    private static final Pattern ACCESS_TOKEN = Pattern.compile("access-sandbox-" + UUID_FORMAT);
    private static final Duration PUBLIC_TOKEN_LIFETIME = Duration.ofMinutes(30);
    private static final Duration LINK_TOKEN_LIFETIME = Duration.ofHours(4);

    private static final Set<String> PRODUCTS = Set.of("assets", "auth", "balance", "identity", "investments",
            "liabilities", "payment_initiation", "transactions", "credit_details", "income", "income_verification",
            "deposit_switch", "standing_orders", "transfer", "employment", "recurring_transactions", "signal",
            "statements", "identity_verification");
    private static final Set<String> LANGUAGES = Set.of("da", "nl", "en", "et", "fr", "de", "hi", "it", "lv", "lt",
            "no", "pl", "pt", "ro", "es", "sv", "vi", "ja", "zh");
    private static final Set<String> COUNTRIES = Set.of("US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL",
            "DK", "NO", "SE", "EE", "LT", "LV", "PT", "BE", "AT", "FI");
    private static final Map<String, String> INSTITUTIONS = Map.of(
            FIRST_PLATYPUS_BANK, "First Platypus Bank",
            "ins_109509", "First Gingham Credit Union");

    private static final Map<String, Schema> SCHEMAS = Map.of(
            "/link/token/create", Schema.object()
                    .required("client_name", Type.STRING)
                    .required("language", Type.STRING)
                    .required("country_codes", Type.STRING_ARRAY)
                    .required("user", Schema.nestedObject().required("client_user_id", Type.STRING))
                    .optional("products", Type.STRING_ARRAY)
                    .optional("webhook", Type.STRING)
                    .optional("access_token", Type.STRING)
                    .optional("redirect_uri", Type.STRING)
                    .optional("update", Schema.nestedObject().optional("account_selection_enabled", Type.BOOLEAN)),
            "/sandbox/public_token/create", Schema.object()
                    .required("institution_id", Type.STRING)
                    .required("initial_products", Type.STRING_ARRAY)
                    .optional("options", Schema.nestedObject()
                            .optional("webhook", Type.STRING)
                            .optional("override_username", Type.STRING)
                            .optional("override_password", Type.STRING)),
            "/item/public_token/exchange", Schema.object().required("public_token", Type.STRING),
            "/accounts/get", Schema.object()
                    .required("access_token", Type.STRING)
                    .optional("options", Schema.nestedObject().optional("account_ids", Type.STRING_ARRAY)),
            "/processor/token/create", Schema.object()
                    .required("access_token", Type.STRING)
                    .required("account_id", Type.STRING)
                    .required("processor", Type.STRING),
            "/webhook_verification_key/get", Schema.object().required("key_id", Type.STRING),
            "/item/get", Schema.object().required("access_token", Type.STRING),
            "/item/remove", Schema.object()
                    .required("access_token", Type.STRING)
                    .optional("reason_code", Type.STRING)
                    .optional("reason_note", Type.STRING));

    /** One account of an item, as Plaid's sandbox institutions hold them. */
    public record Account(String accountId, String name, String officialName, String mask, String type, String subtype) {
    }

    /** An item and what the simulator has issued for it. */
    public static final class Item {
        public final String itemId;
        public final String accessToken;
        public final String institutionId;
        public final List<Account> accounts;
        public final Map<String, List<String>> processorTokensByAccount = new ConcurrentHashMap<>();
        volatile boolean removed;
        /** The item's error at Plaid now (ITEM_LOGIN_REQUIRED while its login is broken); null when it works. */
        volatile String errorCode;

        Item(String itemId, String accessToken, String institutionId, List<Account> accounts) {
            this.itemId = itemId;
            this.accessToken = accessToken;
            this.institutionId = institutionId;
            this.accounts = List.copyOf(accounts);
        }

        public boolean removed() {
            return removed;
        }
    }

    /** A request the simulator received, with the status it answered. */
    public record Received(String path, JsonNode body, String requestId, int status) {
    }

    private sealed interface Fault {
        record Fail(PlaidError error) implements Fault { }
        record Stall(Duration duration) implements Fault { }
        record Reset() implements Fault { }
    }

    private record PendingPublicToken(String institutionId, List<Account> accounts, Instant expires, String clientId,
                                      String itemId) {
    }

    private final ECKey webhookKey;
    private final Instant webhookKeyCreated = Instant.now();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String clientId;
    private volatile String secret;
    private final CountDownLatch closing = new CountDownLatch(1);

    private final Map<String, PendingPublicToken> publicTokens = new ConcurrentHashMap<>();
    private final Map<String, Item> itemsByAccessToken = new ConcurrentHashMap<>();
    private final Map<String, Item> itemsById = new ConcurrentHashMap<>();
    private final List<Item> itemsInOrder = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> linkTokenUsers = new ConcurrentHashMap<>();
    private final Map<String, Instant> linkTokenExpiry = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    /** Faults for the calls about one account (by its name, as the item lists it), whatever order the calls come in. */
    private final Map<String, Deque<Fault>> accountFaults = new ConcurrentHashMap<>();
    private volatile Duration answerDelay = Duration.ZERO;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    private PlaidSimulator(String clientId, String secret) throws IOException {
        this.clientId = clientId;
        this.secret = secret;
        try {
            this.webhookKey = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.createContext("/", this::handle);
        this.server.setExecutor(executor);
        this.server.start();
    }

    public static PlaidSimulator start(String clientId, String secret) {
        try {
            return new PlaidSimulator(clientId, secret);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the Plaid simulator on 127.0.0.1", e);
        }
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    // ---- what tests tell it -------------------------------------------------------------------

    /** The keys change (a rotation): the old secret is refused from now on. */
    public void rotateSecret(String newSecret) {
        this.secret = newSecret;
    }

    /** The next call to {@code path} answers with this error instead of doing anything. */
    public void failNext(String path, PlaidError error) {
        queue(path).add(new Fault.Fail(error));
    }

    /** The next call to {@code path} is held this long before it is processed and answered. */
    public void stallNext(String path, Duration duration) {
        queue(path).add(new Fault.Stall(duration));
    }

    /**
     * The next call to {@code path} about the account named {@code accountName} (its
     * {@code account_id} naming such an account of the item) answers with this error, whichever
     * order concurrent calls arrive in.
     */
    public void failNextForAccount(String path, String accountName, PlaidError error) {
        accountFaults.computeIfAbsent(path + "#" + accountName, k -> new ConcurrentLinkedDeque<>()).add(new Fault.Fail(error));
    }

    /** The same, holding that call this long before it is processed and answered. */
    public void stallNextForAccount(String path, String accountName, Duration duration) {
        accountFaults.computeIfAbsent(path + "#" + accountName, k -> new ConcurrentLinkedDeque<>()).add(new Fault.Stall(duration));
    }

    /** Every call from now on is answered this much later, as a real Plaid's latency would be (zero: at once). */
    public void delayEveryAnswer(Duration delay) {
        this.answerDelay = delay;
    }

    /** The next call to {@code path} has its connection closed without an answer. */
    public void resetNext(String path) {
        queue(path).add(new Fault.Reset());
    }

    /** What Link does for a user who picks First Platypus Bank: a fresh public token. */
    public String createPublicToken(String institutionId) {
        String token = "public-sandbox-" + UUID.randomUUID();
        publicTokens.put(token, new PendingPublicToken(institutionId, sandboxAccounts(),
                Instant.now().plus(PUBLIC_TOKEN_LIFETIME), clientId, null));
        return token;
    }

    /** What Link's {@code onSuccess} receives: the public token and the metadata it describes. */
    public record LinkSuccess(String publicToken, String institutionId, String institutionName, List<Account> accounts) {
        @Override
        public String toString() {
            return "LinkSuccess[publicToken=<redacted>, institutionId=" + institutionId + "]";
        }
    }

    /**
     * What Link does when the user finishes a session opened with {@code linkToken}: only a link
     * token this simulator issued, and only before it expires. Account ids are minted now, so the
     * ids in the metadata are those the exchange's item will have, as with Plaid.
     */
    public LinkSuccess completeLink(String linkToken, String institutionId) {
        Instant issuedUntil = linkTokenExpiry.get(linkToken);
        if (issuedUntil == null || Instant.now().isAfter(issuedUntil)) {
            throw new IllegalArgumentException("Link cannot open: the link token is unknown or expired");
        }
        String name = INSTITUTIONS.get(institutionId);
        if (name == null) {
            throw new IllegalArgumentException("no sandbox institution " + institutionId);
        }
        List<Account> accounts = sandboxAccounts().stream()
                .map(a -> new Account(randomId(37), a.name(), a.officialName(), a.mask(), a.type(), a.subtype()))
                .toList();
        String token = "public-sandbox-" + UUID.randomUUID();
        publicTokens.put(token, new PendingPublicToken(institutionId, accounts,
                Instant.now().plus(PUBLIC_TOKEN_LIFETIME), clientId, null));
        return new LinkSuccess(token, institutionId, name, accounts);
    }

    /** Accepts a public token fixed elsewhere (a sample event), with accounts of the given ids. */
    public void acceptPublicToken(String token, String institutionId, List<String> accountIds) {
        acceptPublicToken(token, institutionId, accountIds, null);
    }

    /** The same, and the exchange will create the item with this id (null: a fresh one). */
    public void acceptPublicToken(String token, String institutionId, List<String> accountIds, String itemId) {
        List<Account> template = sandboxAccounts();
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < accountIds.size(); i++) {
            Account like = template.get(i % template.size());
            accounts.add(new Account(accountIds.get(i), like.name(), like.officialName(), like.mask(), like.type(), like.subtype()));
        }
        publicTokens.put(token, new PendingPublicToken(institutionId, accounts,
                Instant.now().plus(PUBLIC_TOKEN_LIFETIME), clientId, itemId));
    }

    /** The {@code Plaid-Verification} header Plaid would send with this body, signed now. */
    public String signWebhook(String body) {
        return signWebhook(body, Instant.now(), webhookKey);
    }

    /** The same, as if signed at {@code issuedAt} (a stale or future delivery). */
    public String signWebhook(String body, Instant issuedAt) {
        return signWebhook(body, issuedAt, webhookKey);
    }

    /** A well-formed signature by a key Plaid never published. */
    public String signWebhookWithUnknownKey(String body) {
        try {
            return signWebhook(body, Instant.now(), new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String webhookKeyId() {
        return webhookKey.getKeyID();
    }

    /** An ITEM webhook body as Plaid sends it. */
    public static String itemWebhook(String itemId, String code, String errorCode) {
        ObjectNode body = JSON.createObjectNode();
        body.put("webhook_type", "ITEM");
        body.put("webhook_code", code);
        body.put("item_id", itemId);
        if (errorCode != null) {
            ObjectNode error = body.putObject("error");
            error.put("error_type", "ITEM_ERROR");
            error.put("error_code", errorCode);
            error.put("error_message", "the login details of this item have changed");
            error.put("display_message", "The provided credentials were not correct. Please try again.");
        }
        body.put("environment", "sandbox");
        return body.toString();
    }

    private static String signWebhook(String body, Instant issuedAt, ECKey key) {
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                    new JWTClaimsSet.Builder().issueTime(Date.from(issuedAt)).claim("request_body_sha256", hash).build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The item is removed at Plaid by someone else (the dashboard, the user at their bank). */
    /** What Plaid's sandbox reset_login does: the item's login breaks until the user repairs it in Link. */
    public void requireLogin(String itemId) {
        itemsById.get(itemId).errorCode = "ITEM_LOGIN_REQUIRED";
    }

    /** The user went through Link's update mode: the item works again. */
    public void repairLogin(String itemId) {
        itemsById.get(itemId).errorCode = null;
    }

    public void removeAtPlaid(String itemId) {
        itemsById.get(itemId).removed = true;
    }

    // ---- what tests read back -----------------------------------------------------------------

    public int calls(String path) {
        AtomicInteger count = calls.get(path);
        return count == null ? 0 : count.get();
    }

    public List<Received> received(String path) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    public Optional<Item> item(String itemId) {
        return Optional.ofNullable(itemsById.get(itemId));
    }

    /** The item the latest successful exchange created. */
    public Item lastExchangedItem() {
        synchronized (itemsInOrder) {
            return itemsInOrder.getLast();
        }
    }

    /** Items exchanged and never removed: what Plaid would bill. */
    public List<Item> activeItems() {
        return itemsById.values().stream().filter(i -> !i.removed).toList();
    }

    public Optional<String> linkTokenUser(String linkToken) {
        return Optional.ofNullable(linkTokenUsers.get(linkToken));
    }

    /** Every token and secret the simulator handed out or holds, for leak checks. */
    public List<String> allSecrets() {
        List<String> all = new ArrayList<>();
        all.add(secret);
        all.addAll(publicTokens.keySet());
        for (Item item : itemsById.values()) {
            all.add(item.accessToken);
            item.processorTokensByAccount.values().forEach(all::addAll);
        }
        all.addAll(linkTokenUsers.keySet());
        return all;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- the HTTP side ------------------------------------------------------------------------

    /** A fault queued for the account this call is about, if any (read from the raw body, before it is checked). */
    private Fault accountFault(String path, byte[] raw) {
        if (accountFaults.isEmpty()) {
            return null;
        }
        try {
            JsonNode body = JSON.readTree(new String(raw, StandardCharsets.UTF_8));
            Item item = itemsByAccessToken.get(body.path("access_token").asText(""));
            String accountId = body.path("account_id").asText("");
            if (item == null) {
                return null;
            }
            for (Account account : item.accounts) {
                if (account.accountId().equals(accountId)) {
                    Deque<Fault> queued = accountFaults.get(path + "#" + account.name());
                    return queued == null ? null : queued.poll();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: the normal checks answer it.
        }
        return null;
    }

    private Deque<Fault> queue(String path) {
        return faults.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String requestId = randomId(15);
        calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        JsonNode body = null;
        int status;
        ObjectNode answer;
        try (exchange) {
            byte[] raw = readAll(exchange.getRequestBody());
            Fault fault = accountFault(path, raw);
            if (fault == null) {
                fault = Optional.ofNullable(faults.get(path)).map(Deque::poll).orElse(null);
            }
            if (!answerDelay.isZero()) {
                try {
                    closing.await(answerDelay.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (fault instanceof Fault.Reset) {
                received.add(new Received(path, null, requestId, 0));
                return; // closing the exchange unanswered drops the connection
            }
            if (fault instanceof Fault.Stall stall) {
                try {
                    closing.await(stall.duration().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try {
                if (fault instanceof Fault.Fail fail) {
                    throw fail.error().asException();
                }
                body = parse(exchange, raw);
                authenticate(exchange, body);
                Schema schema = SCHEMAS.get(path);
                if (schema == null) {
                    throw new PlaidError(404, "INVALID_REQUEST", "NOT_FOUND", "unknown endpoint " + path, null).asException();
                }
                schema.check(body, "");
                answer = route(path, body);
                answer.put("request_id", requestId);
                status = 200;
            } catch (PlaidError.Answer e) {
                answer = errorBody(e.error, requestId);
                status = e.error.status();
            }
            received.add(new Received(path, body, requestId, status));
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientGone) {
            // The caller timed out and hung up, as a real client does: nothing to answer.
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readNBytes(1_000_000);
    }

    private JsonNode parse(HttpExchange exchange, byte[] raw) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new PlaidError(405, "INVALID_REQUEST", "INVALID_HTTP_METHOD", "only POST is allowed", null).asException();
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw PlaidError.invalidRequest("INVALID_HEADERS", "Content-Type must be application/json").asException();
        }
        JsonNode body;
        try {
            body = JSON.readTree(new String(raw, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw PlaidError.invalidRequest("INVALID_BODY", "body could not be parsed as JSON").asException();
        }
        if (body == null || !body.isObject()) {
            throw PlaidError.invalidRequest("INVALID_BODY", "body must be a JSON object").asException();
        }
        return body;
    }

    private void authenticate(HttpExchange exchange, JsonNode body) {
        String version = exchange.getRequestHeaders().getFirst("Plaid-Version");
        if (!PLAID_VERSION.equals(version)) {
            throw PlaidError.invalidRequest("INVALID_HEADERS",
                    "Plaid-Version header must be " + PLAID_VERSION).asException();
        }
        String id = Optional.ofNullable(exchange.getRequestHeaders().getFirst("PLAID-CLIENT-ID"))
                .orElse(body.path("client_id").textValue());
        String key = Optional.ofNullable(exchange.getRequestHeaders().getFirst("PLAID-SECRET"))
                .orElse(body.path("secret").textValue());
        if (id == null || key == null) {
            throw PlaidError.invalidRequest("MISSING_FIELDS",
                    "the following required fields are missing: " + (id == null ? "client_id" : "secret")).asException();
        }
        if (!clientId.equals(id) || !secret.equals(key)) {
            throw PlaidError.invalidInput("INVALID_API_KEYS",
                    "invalid client_id or secret provided").asException();
        }
    }

    private ObjectNode route(String path, JsonNode body) {
        return switch (path) {
            case "/link/token/create" -> linkTokenCreate(body);
            case "/sandbox/public_token/create" -> sandboxPublicTokenCreate(body);
            case "/item/public_token/exchange" -> publicTokenExchange(body);
            case "/accounts/get" -> accountsGet(body);
            case "/processor/token/create" -> processorTokenCreate(body);
            case "/item/remove" -> itemRemove(body);
            case "/item/get" -> itemGet(body);
            case "/webhook_verification_key/get" -> webhookVerificationKeyGet(body);
            default -> throw new IllegalStateException(path);
        };
    }

    private ObjectNode linkTokenCreate(JsonNode body) {
        String clientName = body.get("client_name").textValue();
        if (clientName.isBlank() || clientName.length() > 30) {
            throw PlaidError.invalidRequest("INVALID_FIELD", "client_name must be 1 to 30 characters").asException();
        }
        Schema.requireOneOf("language", body.get("language").textValue(), LANGUAGES);
        if (body.get("country_codes").isEmpty()) {
            throw PlaidError.invalidRequest("INVALID_FIELD", "country_codes must not be empty").asException();
        }
        body.get("country_codes").forEach(c -> Schema.requireOneOf("country_codes", c.textValue(), COUNTRIES));
        String clientUserId = body.get("user").get("client_user_id").textValue();
        if (clientUserId.isBlank()) {
            throw PlaidError.invalidRequest("INVALID_FIELD", "user.client_user_id must not be empty").asException();
        }
        boolean updateMode = body.hasNonNull("access_token");
        if (updateMode) {
            liveItem(body.get("access_token").textValue());
        } else {
            JsonNode products = body.get("products");
            if (products == null || products.isEmpty()) {
                throw PlaidError.invalidRequest("INVALID_FIELD", "products must name at least one product").asException();
            }
            products.forEach(p -> Schema.requireOneOf("products", p.textValue(), PRODUCTS));
        }
        if (body.hasNonNull("webhook")) {
            requireUrl("webhook", body.get("webhook").textValue());
        }
        String token = "link-sandbox-" + UUID.randomUUID();
        linkTokenUsers.put(token, clientUserId);
        linkTokenExpiry.put(token, Instant.now().plus(LINK_TOKEN_LIFETIME));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("link_token", token);
        answer.put("expiration", Instant.now().plus(LINK_TOKEN_LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return answer;
    }

    private ObjectNode sandboxPublicTokenCreate(JsonNode body) {
        String institutionId = body.get("institution_id").textValue();
        if (!INSTITUTIONS.containsKey(institutionId)) {
            throw PlaidError.invalidInput("INVALID_INSTITUTION", "invalid institution_id provided").asException();
        }
        if (body.get("initial_products").isEmpty()) {
            throw PlaidError.invalidRequest("INVALID_FIELD", "initial_products must not be empty").asException();
        }
        body.get("initial_products").forEach(p -> Schema.requireOneOf("initial_products", p.textValue(), PRODUCTS));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("public_token", createPublicToken(institutionId));
        return answer;
    }

    private ObjectNode publicTokenExchange(JsonNode body) {
        String token = body.get("public_token").textValue();
        if (!PUBLIC_TOKEN.matcher(token).matches()) {
            throw PlaidError.invalidInput("INVALID_PUBLIC_TOKEN", "provided public token is in an invalid format. expected format: public-<environment>-<identifier>").asException();
        }
        // Single use: removing it is what makes a second exchange fail.
        PendingPublicToken pending = publicTokens.remove(token);
        if (pending == null || pending.expires().isBefore(Instant.now()) || !pending.clientId().equals(clientId)) {
            throw PlaidError.invalidInput("INVALID_PUBLIC_TOKEN", "provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged").asException();
        }
        String itemId = pending.itemId() != null ? pending.itemId() : randomId(37);
        String accessToken = "access-sandbox-" + UUID.randomUUID();
        Item item = new Item(itemId, accessToken, pending.institutionId(), pending.accounts().stream()
                .map(a -> a.accountId() != null ? a : new Account(randomId(37), a.name(), a.officialName(), a.mask(), a.type(), a.subtype()))
                .toList());
        itemsById.put(itemId, item);
        itemsByAccessToken.put(accessToken, item);
        itemsInOrder.add(item);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", accessToken);
        answer.put("item_id", itemId);
        return answer;
    }

    private ObjectNode accountsGet(JsonNode body) {
        Item item = liveItem(body.get("access_token").textValue());
        List<Account> accounts = item.accounts;
        JsonNode filter = body.path("options").path("account_ids");
        if (filter.isArray()) {
            List<String> ids = new ArrayList<>();
            filter.forEach(id -> ids.add(id.textValue()));
            for (String id : ids) {
                if (accounts.stream().noneMatch(a -> a.accountId().equals(id))) {
                    throw PlaidError.invalidInput("INVALID_ACCOUNT_ID", "one or more of the account IDs is invalid").asException();
                }
            }
            accounts = accounts.stream().filter(a -> ids.contains(a.accountId())).toList();
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray("accounts");
        for (Account account : accounts) {
            ObjectNode a = list.addObject();
            a.put("account_id", account.accountId());
            ObjectNode balances = a.putObject("balances");
            balances.put("available", 100);
            balances.put("current", 110);
            balances.putNull("limit");
            balances.put("iso_currency_code", "USD");
            balances.putNull("unofficial_currency_code");
            a.put("mask", account.mask());
            a.put("name", account.name());
            a.put("official_name", account.officialName());
            a.put("type", account.type());
            a.put("subtype", account.subtype());
        }
        ObjectNode itemNode = answer.putObject("item");
        itemNode.put("item_id", item.itemId);
        itemNode.put("institution_id", item.institutionId);
        itemNode.put("institution_name", INSTITUTIONS.get(item.institutionId));
        itemNode.putNull("webhook");
        itemNode.putNull("error");
        itemNode.putArray("available_products").add("balance");
        itemNode.putArray("billed_products").add("transactions");
        itemNode.putArray("products").add("transactions");
        itemNode.putNull("consent_expiration_time");
        itemNode.put("update_type", "background");
        return answer;
    }

    private ObjectNode processorTokenCreate(JsonNode body) {
        Item item = liveItem(body.get("access_token").textValue());
        String processor = body.get("processor").textValue();
        if (!"knot".equals(processor)) {
            // This service only ever creates tokens for Knot; anything else here is a bug.
            throw PlaidError.invalidRequest("INVALID_FIELD", "processor must be knot").asException();
        }
        String accountId = body.get("account_id").textValue();
        if (item.accounts.stream().noneMatch(a -> a.accountId().equals(accountId))) {
            throw PlaidError.invalidInput("INVALID_ACCOUNT_ID", "the account_id is not valid for this Item").asException();
        }
        String token = "processor-sandbox-" + UUID.randomUUID();
        item.processorTokensByAccount.computeIfAbsent(accountId, a -> Collections.synchronizedList(new ArrayList<>())).add(token);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("processor_token", token);
        return answer;
    }

    private ObjectNode itemGet(JsonNode body) {
        Item item = liveItem(body.get("access_token").textValue());
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode itemNode = answer.putObject("item");
        itemNode.put("item_id", item.itemId);
        itemNode.put("institution_id", item.institutionId);
        itemNode.putNull("webhook");
        String errorCode = item.errorCode;
        if (errorCode == null) {
            itemNode.putNull("error");
        } else {
            ObjectNode error = itemNode.putObject("error");
            error.put("error_type", "ITEM_ERROR");
            error.put("error_code", errorCode);
            error.put("error_message", "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information");
            error.put("display_message", (String) null);
        }
        itemNode.putArray("available_products");
        itemNode.putArray("billed_products").add("transactions");
        itemNode.putNull("consent_expiration_time");
        itemNode.put("update_type", "background");
        answer.putNull("status");
        return answer;
    }

    private ObjectNode itemRemove(JsonNode body) {
        Item item = liveItem(body.get("access_token").textValue());
        item.removed = true;
        return JSON.createObjectNode();
    }

    private ObjectNode webhookVerificationKeyGet(JsonNode body) {
        String keyId = body.get("key_id").textValue();
        if (!webhookKey.getKeyID().equals(keyId)) {
            throw PlaidError.invalidInput("INVALID_WEBHOOK_VERIFICATION_KEY_ID",
                    "invalid key_id provided").asException();
        }
        ECKey publicKey = webhookKey.toPublicJWK();
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode key = answer.putObject("key");
        key.put("alg", "ES256");
        key.put("created_at", webhookKeyCreated.getEpochSecond());
        key.put("crv", "P-256");
        key.putNull("expired_at");
        key.put("kid", publicKey.getKeyID());
        key.put("kty", "EC");
        key.put("use", "sig");
        key.put("x", publicKey.getX().toString());
        key.put("y", publicKey.getY().toString());
        return answer;
    }

    private Item liveItem(String accessToken) {
        if (!ACCESS_TOKEN.matcher(accessToken).matches()) {
            throw PlaidError.invalidInput("INVALID_ACCESS_TOKEN", "provided access token is in an invalid format. expected format: access-<environment>-<identifier>").asException();
        }
        Item item = itemsByAccessToken.get(accessToken);
        if (item == null) {
            throw PlaidError.invalidInput("INVALID_ACCESS_TOKEN", "provided access token is not valid").asException();
        }
        if (item.removed) {
            throw PlaidError.itemNotFound().asException();
        }
        return item;
    }

    private static void requireUrl(String field, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() != null && uri.getHost() != null) {
                return;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw PlaidError.invalidRequest("INVALID_FIELD", field + " must be a valid URL").asException();
    }

    private static ObjectNode errorBody(PlaidError error, String requestId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_type", error.errorType());
        body.put("error_code", error.errorCode());
        body.put("error_message", error.errorMessage());
        if (error.displayMessage() == null) {
            body.putNull("display_message");
        } else {
            body.put("display_message", error.displayMessage());
        }
        body.put("request_id", requestId);
        body.putArray("causes");
        body.put("status", error.status());
        body.put("documentation_url", "https://plaid.com/docs/errors/");
        body.putNull("suggested_action");
        return body;
    }

    private static List<Account> sandboxAccounts() {
        // Account ids are minted at exchange time, as Plaid does per item.
        return List.of(
                new Account(null, "Plaid Checking", "Plaid Gold Standard 0% Interest Checking", "0000", "depository", "checking"),
                new Account(null, "Plaid Saving", "Plaid Silver Standard 0.1% Interest Saving", "1111", "depository", "savings"),
                new Account(null, "Plaid Credit Card", "Plaid Diamond 12.5% APR Interest Credit Card", "3333", "credit", "credit card"));
    }

    private static String randomId(int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789";
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    /** Whether Plaid issued this processor token for processor knot, on an item still live. */
    public boolean isLiveKnotProcessorToken(String token) {
        for (Item item : itemsById.values()) {
            for (List<String> tokens : item.processorTokensByAccount.values()) {
                if (tokens.contains(token)) {
                    return !item.removed;
                }
            }
        }
        return false;
    }

    /** Insertion-ordered copy of what the simulator counted, for printing. */
    public Map<String, Integer> callCounts() {
        Map<String, Integer> copy = new LinkedHashMap<>();
        calls.forEach((path, count) -> copy.put(path, count.get()));
        return copy;
    }
}
