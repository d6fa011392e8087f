package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.support.Api;
import dev.plaidknot.support.AwsFaults;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Thousands of generated requests at every route: broken and hostile bodies (invalid UTF-8, deep
 * nesting, huge strings, wrong types, duplicate keys), headers, claims, look-alike and injection
 * ids. Every answer is a success or a 4xx in the documented shape, never a 5xx or a stack trace,
 * and a rejected request leaves the table as it was. Prints how many cases ran per route.
 */
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRIES = 1000;
    private static final Map<String, AtomicInteger> CASES = new ConcurrentHashMap<>();
    private static final AtomicInteger WRITES = new AtomicInteger();
    private static TestRig rig;
    private static Api api;
    private static int storedRecords;

    @BeforeContainer
    static void start() {
        rig = new TestRig();
        api = new Api(rig.wiring(Map.of(), () -> rig.secrets, () -> AwsFaults.dynamoCountingWrites(rig.aws, WRITES),
                () -> rig.kms), rig.plaid);
        api.link("hostile-owner");
        storedRecords = rig.allRecords().size();
    }

    @AfterContainer
    static void stop() {
        System.out.println();
        System.out.println("Hostile input: generated cases per route " + new TreeMap<>(CASES)
                + ", every one answered 2xx or 4xx in the error shape, none wrote anything when rejected");
        rig.close();
    }

    /** What a generated request carries besides its body: who, and which headers. */
    record Caller(String sub, Map<String, String> headers) {
    }

    record Body(String text, boolean base64) {
    }

    // ---- the properties, one per route --------------------------------------------------------

    @Property(tries = TRIES)
    void create_link_token(@ForAll("callers") Caller caller, @ForAll("bodies") Body body) {
        check("POST /create_link_token", api.createLinkToken, event(caller, "POST /create_link_token", body));
    }

    @Property(tries = TRIES)
    void exchange_public_token(@ForAll("callers") Caller caller, @ForAll("exchangeBodies") Body body) {
        check("POST /exchange_public_token", api.exchange, event(caller, "POST /exchange_public_token", body));
    }

    @Property(tries = TRIES)
    void list_items(@ForAll("callers") Caller caller, @ForAll("queries") Map<String, String> query) {
        APIGatewayV2HTTPEvent event = event(caller, "GET /items", new Body(null, false));
        event.setQueryStringParameters(query);
        check("GET /items", api.listItems, event);
    }

    @Property(tries = TRIES)
    void delete_item(@ForAll("callers") Caller caller, @ForAll("itemIds") String itemId) {
        APIGatewayV2HTTPEvent event = event(caller, "DELETE /items/{item_id}", new Body(null, false));
        event.setPathParameters(itemId == null ? null : Map.of("item_id", itemId));
        check("DELETE /items/{item_id}", api.deleteItem, event);
    }

    @Property(tries = TRIES)
    void plaid_webhook(@ForAll("callers") Caller caller, @ForAll("bodies") Body body) {
        APIGatewayV2HTTPEvent event = event(new Caller(null, caller.headers()), "POST /webhooks/plaid", body);
        check("POST /webhooks/plaid", api.webhook, event);
    }

    @Property(tries = TRIES)
    void sandbox_public_token(@ForAll("callers") Caller caller, @ForAll("bodies") Body body) {
        check("POST /sandbox/public_token", api.sandboxPublicToken, event(caller, "POST /sandbox/public_token", body));
    }

    @Property(tries = TRIES)
    void knot_session(@ForAll("callers") Caller caller, @ForAll("knotBodies") Body body) {
        check("POST /knot/session", api.knotSession, event(caller, "POST /knot/session", body));
    }

    @Property(tries = TRIES)
    void knot_session_extend(@ForAll("callers") Caller caller, @ForAll("extendBodies") Body body) {
        check("POST /knot/session/extend", api.knotSessionExtend, event(caller, "POST /knot/session/extend", body));
    }

    @Property(tries = TRIES)
    void knot_merchants(@ForAll("callers") Caller caller, @ForAll("bodies") Body body) {
        check("GET /knot/merchants", api.knotMerchants, event(caller, "GET /knot/merchants", body));
    }

    /** From Knot's address, so the body and the signature header are what is under test. */
    @Property(tries = TRIES)
    void knot_webhook(@ForAll("callers") Caller caller, @ForAll("knotWebhookBodies") Body body) {
        APIGatewayV2HTTPEvent event = event(new Caller(null, caller.headers()), "POST /webhooks/knot", body);
        event.getRequestContext().getHttp().setSourceIp(Api.KNOT_ADDRESS);
        check("POST /webhooks/knot", api.knotWebhook, event);
    }

    // ---- the check every answer must pass -----------------------------------------------------

    private static void check(String route, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                              APIGatewayV2HTTPEvent event) {
        CASES.computeIfAbsent(route, r -> new AtomicInteger()).incrementAndGet();
        int writesBefore = WRITES.get();

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, new LambdaContext());

        int status = response.getStatusCode();
        assertThat(status).as(route).isLessThan(500);
        if (status == 204) {
            return;
        }
        JsonNode body = read(response.getBody());
        assertThat(response.getBody()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
        if (status >= 400) {
            assertThat(body.path("error").path("code").isTextual()).as(response.getBody()).isTrue();
            assertThat(body.path("error").path("message").isTextual()).isTrue();
            if (WRITES.get() != writesBefore) {
                // A well-formed token Plaid refused claims and releases its ledger record: net nothing.
                assertThat(rig.allRecords()).as("%s wrote and kept records for a rejected request", route)
                        .hasSize(storedRecords);
            }
        } else if (WRITES.get() != writesBefore) {
            storedRecords = rig.allRecords().size();
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static APIGatewayV2HTTPEvent event(Caller caller, String routeKey, Body body) {
        APIGatewayV2HTTPEvent event = caller.sub() == null
                ? ApiEvents.anonymous(routeKey, body.text())
                : ApiEvents.from(caller.sub(), routeKey, body.text());
        event.setIsBase64Encoded(body.base64());
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.putAll(caller.headers());
        event.setHeaders(headers);
        return event;
    }

    // ---- generators ---------------------------------------------------------------------------

    private static final List<String> INJECTIONS = List.of("' OR '1'='1", "ITEM#x#ACCOUNT#y", "USER#someone-else",
            "../../etc/passwd", "%00", "\u0000", "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>",
            "{\"$ne\":null}", "item\nid", "ıtem-1", "іtem-1", "item‐1", "ｉｔｅｍ１");

    @Provide
    Arbitrary<Caller> callers() {
        Arbitrary<String> sub = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of("hostile-owner", "user-" + UUID.randomUUID())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(null)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().all().ofMaxLength(300)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(INJECTIONS)));
        Arbitrary<Map<String, String>> headers = Arbitraries.maps(
                Arbitraries.of("plaid-verification", "content-type", "x-user-id", "authorization", "x-forwarded-for",
                        "Plaid-Verification", "cookie"),
                Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(200), Arbitraries.of(INJECTIONS),
                        jwtLike())).ofMaxSize(4);
        return Combinators.combine(sub, headers).as(Caller::new);
    }

    private static Arbitrary<String> jwtLike() {
        Arbitrary<String> segment = Arbitraries.strings().all().ofMaxLength(80)
                .map(s -> Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
        return Combinators.combine(segment, segment, segment).as((a, b, c) -> a + "." + b + "." + c);
    }

    @Provide
    Arbitrary<Body> bodies() {
        return Arbitraries.oneOf(commonBodies(), objectsOf(Arbitraries.of("item_id", "client_user_id", "webhook_type",
                "webhook_code", "public_token", "institution_id")));
    }

    @Provide
    Arbitrary<Body> exchangeBodies() {
        Arbitrary<String> wellFormedUnknown = Arbitraries.create(() -> "public-sandbox-" + UUID.randomUUID());
        Arbitrary<Body> accounts = Combinators.combine(wellFormedUnknown, Arbitraries.oneOf(Arbitraries.of(INJECTIONS),
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40)).list().ofMaxSize(5))
                .as((token, ids) -> new Body("{\"public_token\":\"" + token + "\",\"accounts\":["
                        + String.join(",", ids.stream().map(id -> "{\"id\":" + quote(id) + "}").toList()) + "]}", false));
        return Arbitraries.oneOf(commonBodies(), accounts,
                objectsOf(Arbitraries.of("public_token", "accounts", "institution", "user_id")));
    }

    private static Arbitrary<Body> commonBodies() {
        return Arbitraries.oneOf(
                Arbitraries.just(new Body(null, false)),
                Arbitraries.strings().all().ofMaxLength(200).map(s -> new Body(s, false)),
                Arbitraries.integers().between(1, 400).map(n -> new Body("{\"a\":" + "[".repeat(n) + "]".repeat(n) + "}", false)),
                Arbitraries.integers().between(1, 400).map(n -> new Body("{\"a\":".repeat(n) + "1" + "}".repeat(n), false)),
                Arbitraries.integers().between(30_000, 50_000).map(n -> new Body("{\"public_token\":\"" + "x".repeat(n) + "\"}", false)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200)
                        .map(bytes -> new Body(Base64.getEncoder().encodeToString(bytes), true)),
                Arbitraries.strings().all().ofMaxLength(50).map(s -> new Body(s, true)),
                Arbitraries.of(INJECTIONS).map(s -> new Body("{\"item_id\":" + quote(s) + ",\"item_id\":\"x\"}", false)));
    }

    /** JSON objects whose fields are the route's own names with values of every type. */
    private static Arbitrary<Body> objectsOf(Arbitrary<String> fieldNames) {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "[]", "{}", "[1,2]", "{\"id\":{}}", "1e999", "-0"),
                Arbitraries.strings().all().ofMaxLength(100).map(HostileInputTest::quote),
                Arbitraries.of(INJECTIONS).map(HostileInputTest::quote),
                Arbitraries.create(() -> quote("public-sandbox-" + UUID.randomUUID())));
        return Combinators.combine(fieldNames, values).as((k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(4)
                .map(fields -> new Body("{" + String.join(",", fields) + "}", false));
    }

    @Provide
    Arbitrary<Body> knotBodies() {
        return Arbitraries.oneOf(commonBodies(), objectsOf(Arbitraries.of("card_id", "account_id",
                "external_user_id", "processor_token")));
    }

    @Provide
    Arbitrary<Body> extendBodies() {
        return Arbitraries.oneOf(commonBodies(), objectsOf(Arbitraries.of("session", "card_id", "session_id")));
    }

    @Provide
    Arbitrary<Body> knotWebhookBodies() {
        return Arbitraries.oneOf(commonBodies(), objectsOf(Arbitraries.of("event", "session_id", "task_id", "data",
                "merchant", "timestamp", "external_user_id")));
    }

    @Provide
    Arbitrary<Map<String, String>> queries() {
        return Arbitraries.maps(Arbitraries.of("limit", "cursor", "user", "sub"),
                Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(100), Arbitraries.of(INJECTIONS),
                        Arbitraries.integers().map(String::valueOf),
                        Arbitraries.strings().all().ofMaxLength(60).map(s ->
                                Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8)))))
                .ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> itemIds() {
        return Arbitraries.oneOf(Arbitraries.of(INJECTIONS), Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40), Arbitraries.just(null));
    }

    private static String quote(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
