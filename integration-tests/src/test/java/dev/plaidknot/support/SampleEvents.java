package dev.plaidknot.support;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.handler.KnotSessionHandler;
import dev.plaidknot.sim.KnotSimulator;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The files in events/, and the world each expects made ready in a rig: the simulator knows the
 * exchange's public token (a fresh one, for a fresh cardholder, so a sample can run many times),
 * the deleted item exists for the event's user, and the webhook carries a fresh signature (the
 * file's own is from an unknown key and long stale, as any stored delivery would be).
 */
public final class SampleEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestRig rig;
    private final ExchangePublicTokenHandler exchange;
    private final KnotSessionHandler knotSession;

    public SampleEvents(TestRig rig) {
        this.rig = rig;
        this.exchange = new ExchangePublicTokenHandler(rig.wiring());
        this.knotSession = new KnotSessionHandler(rig.wiring());
    }

    public static List<Path> files() {
        try (Stream<Path> files = Files.list(ProjectFiles.events())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event's route key, read by the Lambda runtime's own event loader. */
    public static String routeKey(Path file) {
        return EventLoader.loadApiGatewayHttpEvent(file.toString()).getRouteKey();
    }

    /** The sample's JSON, made valid for one more invocation in this rig. */
    public String prepared(Path file) {
        try {
            String text = Files.readString(file);
            JsonNode event = JSON.readTree(text);
            String sub = event.path("requestContext").path("authorizer").path("jwt").path("claims").path("sub").asText();
            switch (event.path("routeKey").asText()) {
                case "POST /exchange_public_token" -> {
                    JsonNode body = JSON.readTree(event.path("body").asText());
                    String fresh = "public-sandbox-" + UUID.randomUUID();
                    List<String> ids = new ArrayList<>();
                    body.path("accounts").forEach(a -> ids.add(a.path("id").asText()));
                    rig.plaid.acceptPublicToken(fresh, body.path("institution").path("institution_id").asText(), ids);
                    // A new cardholder each time, so the items piling up do not slow the routes that list them.
                    return text.replace(body.path("public_token").asText(), fresh).replace(sub, "sample-" + UUID.randomUUID());
                }
                case "DELETE /items/{item_id}" -> {
                    String token = "public-sandbox-" + UUID.randomUUID();
                    String itemId = event.path("pathParameters").path("item_id").asText();
                    String owner = "sample-" + UUID.randomUUID();
                    rig.plaid.acceptPublicToken(token, PlaidSimulator.FIRST_PLATYPUS_BANK, List.of("acct-1"), itemId);
                    int status = 0;
                    // A fixture, not a figure: the same public token again after a 503 (moto stalls now and then).
                    for (int attempt = 0; attempt < 3 && status != 201; attempt++) {
                        status = exchange.handleRequest(ApiEvents.from(owner, "POST /exchange_public_token",
                                "{\"public_token\":\"" + token + "\"}"), new LambdaContext()).getStatusCode();
                    }
                    if (status != 201) {
                        throw new IllegalStateException("could not link the item the delete sample removes: " + status);
                    }
                    return text.replace(sub, owner);
                }
                case "POST /knot/session/extend" -> {
                    // A session the sample's cardholder opened here, standing in for the one in the file.
                    APIGatewayV2HTTPResponse opened = knotSession.handleRequest(ApiEvents.from(sub, "POST /knot/session",
                            "{\"card_id\":\"" + TestRig.CARDS.get(sub).getFirst() + "\"}"), new LambdaContext());
                    if (opened.getStatusCode() != 201) {
                        throw new IllegalStateException("could not open the session the extend sample extends: "
                                + opened.getStatusCode());
                    }
                    String session = JSON.readTree(opened.getBody()).path("session").asText();
                    String inFile = JSON.readTree(event.path("body").asText()).path("session").asText();
                    return text.replace(inFile, session);
                }
                case "POST /webhooks/knot" -> {
                    // The file is signed with a made-up secret; sign the same body with the rig's Knot secret.
                    JsonNode body = JSON.readTree(event.path("body").asText());
                    String signature = KnotSimulator.sign(event.path("body").asText().getBytes(StandardCharsets.UTF_8).length,
                            event.path("headers").path("content-type").asText(), body.path("event").asText(),
                            body.path("session_id").asText(), rig.knotSecret);
                    return text.replace(event.path("headers").path("knot-signature").asText(), signature);
                }
                case "POST /webhooks/plaid" -> {
                    return text.replace(event.path("headers").path("plaid-verification").asText(),
                            rig.plaid.signWebhook(event.path("body").asText()));
                }
                default -> {
                    return text;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event from its JSON, read by the Lambda runtime's own event loader. */
    public static APIGatewayV2HTTPEvent load(String json) {
        try {
            Path file = Files.createTempFile("event", ".json");
            try {
                Files.writeString(file, json);
                return EventLoader.loadApiGatewayHttpEvent(file.toString());
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A response as the Lambda runtime's serializer writes it. */
    public static String serialize(APIGatewayV2HTTPResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, SampleEvents.class.getClassLoader())
                .toJson(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
