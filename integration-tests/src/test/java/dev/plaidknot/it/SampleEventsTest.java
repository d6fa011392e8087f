package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.Wiring;
import dev.plaidknot.local.SamTemplate;
import dev.plaidknot.local.SamTemplate.Route;
import dev.plaidknot.support.ProjectFiles;
import dev.plaidknot.support.SampleEvents;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.LambdaContext;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
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

    static Stream<Path> eventFiles() {
        return SampleEvents.files().stream();
    }

    @Test
    void every_route_has_a_sample_event_and_every_event_a_route() {
        List<String> eventRoutes = SampleEvents.files().stream().map(SampleEvents::routeKey).toList();
        List<String> templateRoutes = TEMPLATE.httpRoutes().stream().map(Route::routeKey).toList();

        assertThat(templateRoutes).isNotEmpty();
        assertThat(eventRoutes).containsExactlyInAnyOrderElementsOf(templateRoutes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    void sample_event_runs_through_its_routed_handler(Path file) throws Exception {
        APIGatewayV2HTTPEvent event = SampleEvents.load(new SampleEvents(rig).prepared(file));
        Route route = handlerFor(event);
        if (route.authorized()) {
            assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims()).containsKey("sub");
        }

        APIGatewayV2HTTPResponse response = invoke(route.handler(), event);

        assertThat(response.getStatusCode()).as(response.getBody()).isBetween(200, 299);
        JsonNode onTheWire = JSON.readTree(SampleEvents.serialize(response));
        assertThat(onTheWire.path("statusCode").asInt()).isEqualTo(response.getStatusCode());
        if (response.getStatusCode() != 204) {
            assertThat(JSON.readTree(onTheWire.path("body").asText()).isObject()).isTrue();
        }
    }

    @Test
    void the_stored_webhook_sample_is_refused_as_it_stands() throws Exception {
        Path file = ProjectFiles.events().resolve("plaid_webhook.json");
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(file.toString());

        APIGatewayV2HTTPResponse response = invoke(handlerFor(event).handler(), event);

        assertThat(response.getStatusCode()).isEqualTo(401);
    }

    @Test
    void the_stored_knot_webhook_sample_signed_with_a_made_up_secret_is_refused_as_it_stands() throws Exception {
        Path file = ProjectFiles.events().resolve("knot_webhook.json");
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(file.toString());

        APIGatewayV2HTTPResponse response = invoke(handlerFor(event).handler(), event);

        assertThat(response.getStatusCode()).isEqualTo(401);
    }

    private static Route handlerFor(APIGatewayV2HTTPEvent event) {
        return TEMPLATE.httpRoutes().stream().filter(r -> r.routeKey().equals(event.getRouteKey()))
                .findFirst().orElseThrow(() -> new AssertionError(event.getRouteKey() + " is no route of template.yaml"));
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
}
