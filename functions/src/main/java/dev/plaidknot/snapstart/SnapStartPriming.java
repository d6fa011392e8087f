package dev.plaidknot.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.google.gson.JsonPrimitive;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiError;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.api.DependencyUnavailable;
import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.api.Json;
import dev.plaidknot.api.JsonBody;
import dev.plaidknot.handler.HttpApiHandler;
import dev.plaidknot.link.ExchangeRequest;
import dev.plaidknot.link.ExchangeResult;
import dev.plaidknot.observability.QuietLogs;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.plaid.PlaidFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart hooks. Before the snapshot: walk the request path's code (event parsing, the Plaid
 * request and response models through plaid-java's Gson, error mapping, response writing), then
 * every service once more through its real clients (plaid-java over OkHttp, Knot's client, the
 * DynamoDB and KMS clients with request signing) wired to a loopback stand-in on 127.0.0.1, so a
 * restored environment does not pay class loading and first-use costs on a cardholder's request.
 * Nothing here reaches Plaid, Knot or AWS, or writes anything anywhere. After restore: fetch the
 * keys again (a cached key is never trusted across a snapshot), in the hook rather than on the
 * first request, open a connection to Plaid's and Knot's hosts (connections do not survive a
 * snapshot usefully, and a handshake on the first request is the largest cost left there), and
 * count the restore as a cold start.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    private final Wiring wiring;

    public SnapStartPriming(Wiring wiring) {
        this.wiring = wiring;
    }

    /** Registers the hooks with the runtime; a JVM without CRaC ignores them. */
    public static SnapStartPriming register(Wiring wiring) {
        SnapStartPriming priming = new SnapStartPriming(wiring);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        wiring.refetchSecrets();
        wiring.openUpstreamConnections();
        Telemetry.restored();
    }

    /** The request path without its network calls; safe to run any number of times. */
    public PrimingReport prime() {
        primeModels();
        return QuietLogs.during(SnapStartPriming::primeServices);
    }

    /** What a priming step does; it may throw whatever the code it walks throws. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** One step of the walk, and whether a real request would end it in a 404. */
    private record Step(String name, boolean endsNotFound, Action action) {
    }

    /** What the loopback walk did: how many steps, and any that ended other than expected (a bug). */
    public record PrimingReport(int steps, List<String> unexpected) {
    }

    /**
     * What the loopback walk does not reach: the handlers' side (a full Link payload parsed, the
     * answer and each kind of failure written in the API's shape). The Plaid models are walked by
     * the real calls in {@link #primeServices()}. The event and the answers go through bytes, as
     * Lambda's runtime hands them over.
     */
    private void primeModels() {
        // The way in, as Lambda's runtime uses it: the event's bytes, mapped by Gson.
        String payload = "{\"version\":\"2.0\",\"routeKey\":\"POST /exchange_public_token\",\"rawPath\":\"/exchange_public_token\","
                + "\"rawQueryString\":\"\",\"headers\":{\"content-type\":\"application/json\"},"
                + "\"requestContext\":{\"http\":{\"method\":\"POST\",\"path\":\"/exchange_public_token\"},"
                + "\"authorizer\":{\"jwt\":{\"claims\":{\"sub\":\"priming\"},\"scopes\":null}},"
                + "\"requestId\":\"priming\",\"timeEpoch\":0},"
                + "\"body\":" + Json.write(new JsonPrimitive(
                        "{\"public_token\":\"public-sandbox-00000000-0000-4000-8000-000000000000\","
                        + "\"accounts\":[{\"id\":\"priming\",\"name\":\"Priming\",\"mask\":\"0000\"}],"
                        + "\"institution\":{\"name\":\"Priming Bank\",\"institution_id\":\"ins_1\"}}"))
                + ",\"isBase64Encoded\":false}";
        try {
            APIGatewayV2HTTPEvent event = HttpApiHandler.readEvent(
                    new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)));
            ExchangeRequest.parse(JsonBody.parseRequired(event));

            HttpApiHandler.writeResponse(ApiResponses.json(201, new ExchangeResult("priming", "ins_1", "Priming Bank",
                    List.of(new ExchangeResult.LinkedAccount("a", "n", "0000", "depository", "checking", "created")),
                    List.of()).toJson()), OutputStream.nullOutputStream());
            for (RuntimeException failure : List.of(ApiError.badRequest("priming"),
                    PlaidFailure.rejected("priming", 400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN", "priming", null, null),
                    PlaidFailure.timeout("priming"), new DependencyUnavailable("priming", "priming", null))) {
                HttpApiHandler.writeResponse(ApiResponses.error(ErrorMapper.map(failure)), OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory streams", e);
        }
    }

    /**
     * Every service, through the same classes the real wiring uses, against the loopback stand-in.
     * A step that a real request would answer with a 4xx (an item that is not there) is expected to
     * end so; anything else that fails is reported, never thrown: priming must not fail an init.
     */
    static PrimingReport primeServices() {
        List<String> unexpected = new ArrayList<>();
        int steps = 0;
        try (LoopbackUpstreams loopback = new LoopbackUpstreams(PrimingAnswers::answer)) {
            Wiring twin = Wiring.forPriming(loopback.uri());
            String user = "priming-user";
            String itemId = PrimingAnswers.ITEM_ID;
            List<Step> walk = List.of(
                    new Step("link token", false, () -> twin.linkTokenService().create(user)),
                    new Step("exchange", false, () -> twin.publicTokenExchange().exchange(user,
                            ExchangeRequest.parse(JsonBody.parseRequired(APIGatewayV2HTTPEvent.builder()
                                    .withBody("{\"public_token\":\"public-sandbox-00000000-0000-4000-8000-000000000001\"}")
                                    .withIsBase64Encoded(false).build())))),
                    new Step("list items", false, () -> twin.tokenVault().listItems(user, 10, null)),
                    new Step("knot session", false, () -> twin.knotSessions().create(user, "priming-card", Optional.empty())),
                    new Step("sandbox public token", false, () -> twin.sandboxPublicTokens().create()),
                    new Step("webhook", false, () -> {
                        byte[] body = PrimingAnswers.WEBHOOK_BODY.getBytes(StandardCharsets.UTF_8);
                        twin.itemWebhooks().handle(twin.plaidWebhookVerifier().verify(
                                PrimingAnswers.signedWebhook(body), body), JsonBody.parseObject(body));
                    }),
                    // The stand-in's table is empty: a real request for this item would be a 404.
                    new Step("remove item", true, () -> twin.linkedItems().remove(user, itemId)),
                    new Step("update-mode link token", true, () -> twin.linkTokenService().createForUpdate(user, itemId)));
            for (Step step : walk) {
                steps++;
                try {
                    step.action().run();
                    if (step.endsNotFound()) {
                        unexpected.add(step.name() + ": succeeded");
                    }
                } catch (ApiError e) {
                    if (!step.endsNotFound() || e.status() != 404) {
                        unexpected.add(step.name() + ": " + e.status());
                    }
                } catch (Exception e) {
                    unexpected.add(step.name() + ": " + e.getClass().getSimpleName());
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
}
