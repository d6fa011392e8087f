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
import dev.plaidknot.support.ProjectFiles;
import dev.plaidknot.support.SamTemplate.Route;
import dev.plaidknot.support.SamTemplate;
import dev.plaidknot.support.TestRig;
import dev.plaidknot.testing.LambdaContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in events/ goes through the handler template.yaml routes it to, read and written by
 * the Lambda runtime's own serializer, as {@code sam local invoke -e} would.
 */
class SampleEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SamTemplate TEMPLATE = SamTemplate.load();
    private static TestRig rig;

    @BeforeAll
    static void start() {
        rig = new TestRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

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
        Route route = TEMPLATE.httpRoutes().stream().filter(r -> r.routeKey().equals(event.getRouteKey()))
                .findFirst().orElseThrow(() -> new AssertionError(file + " names no route of template.yaml"));
        assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims()).containsKey("sub");
        seedPlaidFor(event);

        APIGatewayV2HTTPResponse response = invoke(route.handler(), event);

        assertThat(response.getStatusCode()).as(response.getBody()).isBetween(200, 299);
        String wire = serialize(response);
        JsonNode onTheWire = JSON.readTree(wire);
        assertThat(onTheWire.path("statusCode").asInt()).isEqualTo(response.getStatusCode());
        assertThat(JSON.readTree(onTheWire.path("body").asText()).isObject()).isTrue();
    }

    /** The exchange event carries a public token and account ids; make the simulator know them. */
    private static void seedPlaidFor(APIGatewayV2HTTPEvent event) throws IOException {
        if (event.getBody() == null) {
            return;
        }
        JsonNode body = JSON.readTree(event.getBody());
        if (body.hasNonNull("public_token")) {
            List<String> ids = new ArrayList<>();
            body.path("accounts").forEach(a -> ids.add(a.path("id").asText()));
            rig.plaid.acceptPublicToken(body.path("public_token").asText(),
                    body.path("institution").path("institution_id").asText(), ids);
        }
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
