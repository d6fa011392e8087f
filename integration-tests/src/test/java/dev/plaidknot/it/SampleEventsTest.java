package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.Wiring;
import dev.plaidknot.handler.ExchangePublicTokenHandler;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.ProjectFiles;
import dev.plaidknot.local.SamTemplate.Route;
import dev.plaidknot.local.SamTemplate;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in events/ goes through the handler template.yaml routes it to, read and written by
 * the Lambda runtime's own serializer, as {@code sam local invoke -e} would.
 */
class SampleEventsTest extends WithRig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SamTemplate TEMPLATE = ProjectFiles.template();

    static Stream<Path> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(ProjectFiles.events())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @Test
    void every_route_has_a_sample_event_and_every_event_a_route() throws IOException {
        List<String> eventRoutes = new ArrayList<>();
        for (Path file : eventFiles().toList()) {
            eventRoutes.add(EventLoader.loadApiGatewayHttpEvent(file.toString()).getRouteKey());
        }
        List<String> templateRoutes = TEMPLATE.httpRoutes().stream().map(Route::routeKey).toList();

        assertThat(templateRoutes).isNotEmpty();
        assertThat(eventRoutes).containsExactlyInAnyOrderElementsOf(templateRoutes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    void sample_event_runs_through_its_routed_handler(Path file) throws Exception {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(file.toString());
        Route route = handlerFor(event);
        if (!route.path().startsWith("/webhooks/")) {
            assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims()).containsKey("sub");
        }

        APIGatewayV2HTTPResponse response = invoke(route.handler(), prepare(event));

        assertThat(response.getStatusCode()).as(response.getBody()).isBetween(200, 299);
        String wire = serialize(response);
        JsonNode onTheWire = JSON.readTree(wire);
        assertThat(onTheWire.path("statusCode").asInt()).isEqualTo(response.getStatusCode());
        if (response.getStatusCode() != 204) {
            assertThat(JSON.readTree(onTheWire.path("body").asText()).isObject()).isTrue();
        }
    }

    private static Route handlerFor(APIGatewayV2HTTPEvent event) {
        return TEMPLATE.httpRoutes().stream().filter(r -> r.routeKey().equals(event.getRouteKey()))
                .findFirst().orElseThrow(() -> new AssertionError(event.getRouteKey() + " is no route of template.yaml"));
    }

    /**
     * Makes the world each sample expects: the simulator knows the exchange's public token, the
     * deleted item exists for the event's user, and the webhook carries a fresh signature (the
     * file's own is from an unknown key and long stale, as any stored delivery would be).
     */
    private static APIGatewayV2HTTPEvent prepare(APIGatewayV2HTTPEvent event) throws Exception {
        switch (event.getRouteKey()) {
            case "POST /exchange_public_token" -> {
                JsonNode body = JSON.readTree(event.getBody());
                List<String> ids = new ArrayList<>();
                body.path("accounts").forEach(a -> ids.add(a.path("id").asText()));
                rig.plaid.acceptPublicToken(body.path("public_token").asText(),
                        body.path("institution").path("institution_id").asText(), ids);
            }
            case "DELETE /items/{item_id}" -> {
                String token = "public-sandbox-" + UUID.randomUUID();
                rig.plaid.acceptPublicToken(token, PlaidSimulator.FIRST_PLATYPUS_BANK, List.of("acct-1"),
                        event.getPathParameters().get("item_id"));
                String sub = event.getRequestContext().getAuthorizer().getJwt().getClaims().get("sub");
                assertThat(new ExchangePublicTokenHandler(rig.wiring()).handleRequest(ApiEvents.from(sub,
                        "POST /exchange_public_token", "{\"public_token\":\"" + token + "\"}"), new LambdaContext())
                        .getStatusCode()).isEqualTo(201);
            }
            case "POST /webhooks/plaid" -> {
                Map<String, String> headers = new HashMap<>(event.getHeaders());
                headers.put("plaid-verification", rig.plaid.signWebhook(event.getBody()));
                event.setHeaders(headers);
            }
            default -> {
            }
        }
        return event;
    }

    @Test
    void the_stored_webhook_sample_is_refused_as_it_stands() throws Exception {
        Path file = ProjectFiles.events().resolve("plaid_webhook.json");
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(file.toString());

        APIGatewayV2HTTPResponse response = invoke(handlerFor(event).handler(), event);

        assertThat(response.getStatusCode()).isEqualTo(401);
    }

    /** Instantiates the class template.yaml names and calls the method it names, as Lambda does. */
    private static APIGatewayV2HTTPResponse invoke(String handler, APIGatewayV2HTTPEvent event) throws Exception {
        String[] parts = handler.split("::");
        Class<?> type = Class.forName(parts[0]);
        assertThat(type.getConstructor()).as("Lambda needs a public no-argument constructor").isNotNull();
        Object instance = type.getConstructor(Wiring.class).newInstance(rig.wiring());
        Method method = type.getMethod(parts[1], APIGatewayV2HTTPEvent.class, Context.class);
        return (APIGatewayV2HTTPResponse) method.invoke(instance, event, new LambdaContext());
    }

    private static String serialize(APIGatewayV2HTTPResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, SampleEventsTest.class.getClassLoader())
                .toJson(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
