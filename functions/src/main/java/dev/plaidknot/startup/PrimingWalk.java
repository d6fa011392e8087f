package dev.plaidknot.startup;

import static dev.plaidknot.startup.standin.PrimingEvents.fromCaller;

import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.DeleteItemHandler;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.handler.HttpApiHandler;
import dev.plaidknot.handler.KnotMerchantsHandler;
import dev.plaidknot.handler.KnotSessionExtendHandler;
import dev.plaidknot.handler.KnotSessionHandler;
import dev.plaidknot.handler.KnotWebhookHandler;
import dev.plaidknot.handler.ListItemsHandler;
import dev.plaidknot.handler.PlaidWebhookHandler;
import dev.plaidknot.handler.SandboxPublicTokenHandler;
import dev.plaidknot.json.Json;
import dev.plaidknot.observability.QuietLogs;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.startup.standin.LoopbackUpstreams;
import dev.plaidknot.startup.standin.PrimingAnswers;
import dev.plaidknot.startup.standin.PrimingEvents;
import dev.plaidknot.startup.standin.StandInWiring;
import dev.plaidknot.upstream.DependencyUnavailable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming: before the snapshot, every route once through its handler's own entry, and
 * the function's own route up to {@value #OWN_ROUTE_REPEATS} times more (within
 * {@link #OWN_ROUTE_BUDGET}), on a twin of the wiring whose real clients (plaid-java over OkHttp,
 * Knot's client, the Secrets Manager, DynamoDB and KMS clients with request signing) point at a
 * loopback stand-in with made-up keys ({@link StandInWiring}). So a restored environment does not
 * pay class loading, call-site linking and first-use costs on a cardholder's request. Nothing here
 * reaches Plaid, Knot or AWS, writes anything anywhere, or puts a log or metric line that could
 * read as a real request.
 */
public final class PrimingWalk {

    private static final Logger LOG = LoggerFactory.getLogger(PrimingWalk.class);

    /**
     * Further walks of the function's own route after the whole walk, so the JIT has compiled its
     * path before the snapshot: with one walk a restored environment starts in the interpreter and
     * takes some hundreds of requests to reach compiled speed. What more repeats bought is in the
     * performance notes.
     */
    static final int OWN_ROUTE_REPEATS = 200;
    /**
     * A bound on the repeats' time, whatever the route and the CPU: an exchange is a dozen loopback
     * calls, and a small Lambda has a fraction of a vCPU.
     */
    static final Duration OWN_ROUTE_BUDGET = Duration.ofSeconds(3);

    private final Wiring wiring;
    /** The handler class this function runs (Lambda's {@code _HANDLER}, its method dropped); may match none. */
    private final String ownHandler;

    public PrimingWalk(Wiring wiring) {
        this(wiring, System.getenv("_HANDLER"));
    }

    public PrimingWalk(Wiring wiring, String handler) {
        this.wiring = wiring;
        this.ownHandler = handler == null ? "" : handler.split("::")[0];
    }

    /** The request path without its network calls; safe to run any number of times. */
    public PrimingReport prime() {
        primeErrorAnswers();
        return QuietLogs.during(() -> walkRoutes(wiring, ownHandler));
    }

    /** One step of the walk: a route's handler, an event for it, and the status a real request would get. */
    private record Step(String name, Function<Wiring, HttpApiHandler> handler, byte[] event, int expectedStatus) {
    }

    /** What the loopback walk did: how many steps (repeats included), and any that ended other than expected (a bug). */
    public record PrimingReport(int steps, List<String> unexpected) {
    }

    /**
     * The failures the walk does not meet (Plaid refusing, timing out, an AWS dependency down),
     * mapped and written in the API's shape as a handler would.
     */
    private static void primeErrorAnswers() {
        try {
            for (RuntimeException failure : List.of(
                    PlaidFailure.rejected("priming", 400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN", "priming", null, null),
                    PlaidFailure.timeout("priming"), new DependencyUnavailable("priming", "priming", null))) {
                HttpApiHandler.writeResponse(ApiResponses.error(ErrorMapper.map(failure)), OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory streams", e);
        }
    }

    /**
     * Every route, through its handler's own entry (the event's bytes in, the answer's out, as
     * Lambda's runtime calls it), each handler built on a twin wiring of the same classes pointed
     * at the loopback stand-in. So the walk links and loads what a request does, end to end: the
     * event mapping, the caller's identity, the request's telemetry and its metrics document, the
     * service, the clients and the answer. Then the steps of {@code ownHandler}'s route again.
     * A route that a real request would answer with a 4xx (an item that is not there, a malformed
     * body) is expected to; any other status is reported, never thrown, and stops the repeats:
     * priming must not fail an init.
     */
    static PrimingReport walkRoutes(Wiring wiring, String ownHandler) {
        return walkRoutes(wiring, ownHandler, PrimingAnswers::answer);
    }

    /** The walk against a stand-in giving these answers (a test records what the walk asked). */
    static PrimingReport walkRoutes(Wiring wiring, String ownHandler,
                                    Function<LoopbackUpstreams.Request, LoopbackUpstreams.Answer> answers) {
        List<String> unexpected = new ArrayList<>();
        int steps = 0;
        try (LoopbackUpstreams loopback = new LoopbackUpstreams(answers)) {
            Wiring twin = StandInWiring.twinOf(wiring.settings(), loopback.uri());
            List<Built> own = new ArrayList<>();
            for (Step step : walk()) {
                Built built = new Built(step, step.handler().apply(twin));
                if (runs(built.handler(), ownHandler)) {
                    own.add(built);
                }
                steps++;
                built.run(unexpected);
            }
            long deadline = System.nanoTime() + OWN_ROUTE_BUDGET.toNanos();
            for (int i = 0; i < OWN_ROUTE_REPEATS && unexpected.isEmpty() && System.nanoTime() < deadline; i++) {
                for (Built built : own) {
                    steps++;
                    built.run(unexpected);
                }
            }
        } catch (IOException e) {
            unexpected.add("loopback stand-in: " + e.getClass().getSimpleName());
        }
        if (!unexpected.isEmpty()) {
            LOG.atWarn().addKeyValue("steps", unexpected).log("priming steps ended unexpectedly");
        }
        return new PrimingReport(steps, List.copyOf(unexpected));
    }

    /**
     * Whether this function runs that handler: Lambda names the entry class, which is the route's
     * handler or extends it.
     */
    private static boolean runs(HttpApiHandler handler, String ownHandler) {
        if (ownHandler.isEmpty()) {
            return false;
        }
        try {
            return handler.getClass().isAssignableFrom(Class.forName(ownHandler, false, PrimingWalk.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A step with its handler, built once as Lambda builds a function's handler once. */
    private record Built(Step step, HttpApiHandler handler) {
        void run(List<String> unexpected) {
            try {
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream(step.event()), answer, null);
                int status = Json.parse(answer.toByteArray()).getAsJsonObject().get("statusCode").getAsInt();
                if (status != step.expectedStatus()) {
                    unexpected.add(step.name() + ": " + status);
                }
            } catch (Exception e) {
                unexpected.add(step.name() + ": " + e.getClass().getSimpleName());
            }
        }
    }

    private static byte[] knotWebhook(String event, String data) {
        String body = PrimingAnswers.knotWebhook(event, data);
        return PrimingEvents.anonymous("POST /webhooks/knot", "/webhooks/knot",
                PrimingAnswers.knotWebhookHeaders(body, event), body);
    }

    private static List<Step> walk() {
        String itemId = PrimingAnswers.ITEM_ID;
        byte[] webhook = PrimingAnswers.WEBHOOK_BODY.getBytes(StandardCharsets.UTF_8);
        return List.of(
                new Step("link token", CreateLinkTokenHandler::new,
                        fromCaller("POST /create_link_token", "/create_link_token", Map.of(), Map.of(), null), 200),
                // With Link's metadata, as a front end sends it after onSuccess: two accounts, so the walk
                // takes the concurrent path a real exchange takes.
                new Step("exchange", ExchangePublicTokenHandler::new, fromCaller("POST /exchange_public_token",
                        "/exchange_public_token", Map.of(), Map.of(),
                        "{\"public_token\":\"public-sandbox-00000000-0000-4000-8000-000000000001\","
                                + "\"accounts\":[{\"id\":\"" + PrimingAnswers.ACCOUNT_ID + "\",\"name\":\"Priming\",\"mask\":\"0000\"},"
                                + "{\"id\":\"" + PrimingAnswers.SECOND_ACCOUNT_ID + "\",\"name\":\"Priming\",\"mask\":\"0000\"}],"
                                + "\"institution\":{\"name\":\"Priming Bank\",\"institution_id\":\"ins_109508\"}}"), 201),
                new Step("list items", ListItemsHandler::new,
                        fromCaller("GET /items", "/items", Map.of(), Map.of("limit", "10"), null), 200),
                new Step("knot session", KnotSessionHandler::new, fromCaller("POST /knot/session", "/knot/session",
                        Map.of(), Map.of(), "{\"card_id\":\"" + PrimingAnswers.CARD_ID + "\"}"), 201),
                new Step("extend knot session", KnotSessionExtendHandler::new, fromCaller("POST /knot/session/extend",
                        "/knot/session/extend", Map.of(), Map.of(), "{\"session\":\"" + PrimingAnswers.KNOT_SESSION + "\"}"), 200),
                // Knot's 15 s for the card count from its webhook: a restored function's first AUTHENTICATED
                // must not load the key fetch, the card platform's invoke or the card's POST.
                new Step("knot webhook: send the card", KnotWebhookHandler::new, knotWebhook("AUTHENTICATED",
                        "{\"card_id\":\"" + PrimingAnswers.CARD_ID + "\",\"send_card\":true}"), 200),
                new Step("knot webhook: card updated", KnotWebhookHandler::new, knotWebhook("CARD_UPDATED",
                        "{\"card_id\":\"" + PrimingAnswers.CARD_ID + "\"}"), 200),
                new Step("knot merchants", KnotMerchantsHandler::new,
                        fromCaller("GET /knot/merchants", "/knot/merchants", Map.of(), Map.of(), null), 200),
                new Step("sandbox public token", SandboxPublicTokenHandler::new,
                        fromCaller("POST /sandbox/public_token", "/sandbox/public_token", Map.of(), Map.of(), null), 201),
                new Step("webhook", PlaidWebhookHandler::new, PrimingEvents.anonymous("POST /webhooks/plaid",
                        "/webhooks/plaid", Map.of("content-type", "application/json",
                                "plaid-verification", PrimingAnswers.signedWebhook(webhook)), PrimingAnswers.WEBHOOK_BODY), 200),
                // The stand-in holds the priming item's access token: it is re-linked and removed.
                new Step("update-mode link token", CreateLinkTokenHandler::new, fromCaller("POST /create_link_token",
                        "/create_link_token", Map.of(), Map.of(), "{\"item_id\":\"" + itemId + "\"}"), 200),
                new Step("remove item", DeleteItemHandler::new, fromCaller("DELETE /items/{item_id}",
                        "/items/" + itemId, Map.of("item_id", itemId), Map.of(), null), 204),
                new Step("remove an item that is not there", DeleteItemHandler::new, fromCaller("DELETE /items/{item_id}",
                        "/items/" + PrimingAnswers.UNKNOWN_ITEM_ID, Map.of("item_id", PrimingAnswers.UNKNOWN_ITEM_ID),
                        Map.of(), null), 404),
                new Step("malformed request", ExchangePublicTokenHandler::new, fromCaller("POST /exchange_public_token",
                        "/exchange_public_token", Map.of(), Map.of(), "{\"public_token\":"), 400));
    }
}
