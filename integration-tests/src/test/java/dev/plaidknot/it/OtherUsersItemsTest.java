package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.plaidknot.Wiring;
import dev.plaidknot.support.ProjectFiles;
import dev.plaidknot.local.SamTemplate.Route;
import dev.plaidknot.local.SamTemplate;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route that takes an item id, found in template.yaml (so a new one is covered as soon as
 * it is routed), answers 404 for another user's item, exactly as for an unknown one, and
 * changes nothing.
 */
class OtherUsersItemsTest extends WithRig {

    private static String alicesItem;

    @BeforeAll
    static void alicesItem() {
        alicesItem = api.link("alice");
    }

    /** Routes with {item_id} in the path, and routes whose body takes an item_id. */
    static Stream<Route> itemRoutes() {
        List<Route> routes = new ArrayList<>();
        for (Route route : ProjectFiles.template().httpRoutes()) {
            if (route.path().contains("{item_id}") || BODY_ITEM_ROUTES.contains(route.routeKey())) {
                routes.add(route);
            }
        }
        return routes.stream();
    }

    private static final List<String> BODY_ITEM_ROUTES = List.of("POST /create_link_token");

    @Test
    void the_item_routes_are_found() {
        assertThat(itemRoutes().map(Route::routeKey)).contains("DELETE /items/{item_id}", "POST /create_link_token");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("itemRoutes")
    void another_users_item_is_404_like_an_unknown_one_and_nothing_changes(Route route) throws Exception {
        int aliceRecords = rig.records("alice").size();
        int plaidCalls = rig.plaid.callCounts().values().stream().mapToInt(Integer::intValue).sum();

        APIGatewayV2HTTPResponse bobOnAlices = invoke(route, "bob", alicesItem);
        APIGatewayV2HTTPResponse bobOnNothing = invoke(route, "bob", "NoSuchItem0000000000000000000000000000");

        assertThat(bobOnAlices.getStatusCode()).isEqualTo(404);
        assertThat(json(bobOnAlices)).isEqualTo(json(bobOnNothing));
        assertThat(rig.records("alice")).hasSize(aliceRecords);
        assertThat(rig.plaid.callCounts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(plaidCalls);
        assertThat(rig.plaid.item(alicesItem).orElseThrow().removed()).isFalse();
    }

    @Test
    void a_user_named_in_a_header_query_or_body_is_ignored() {
        APIGatewayV2HTTPEvent event = ApiEvents.from("bob", "GET /items", null);
        event.setQueryStringParameters(Map.of("user", "alice", "sub", "alice", "user_id", "alice"));
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("x-user-id", "alice");
        headers.put("x-amzn-oidc-identity", "alice");
        event.setHeaders(headers);

        APIGatewayV2HTTPResponse response = api.listItems.handleRequest(event, new LambdaContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(json(response).path("items")).isEmpty();
        assertThat(response.getBody()).doesNotContain(alicesItem);
        assertThat(api.createLinkToken.handleRequest(ApiEvents.from("bob", "POST /create_link_token",
                "{\"user_id\":\"alice\"}"), new LambdaContext()).getStatusCode()).isEqualTo(400);
    }

    private static APIGatewayV2HTTPResponse invoke(Route route, String user, String itemId) throws Exception {
        boolean inPath = route.path().contains("{item_id}");
        APIGatewayV2HTTPEvent event = ApiEvents.from(user, route.routeKey(),
                inPath ? null : "{\"item_id\":\"" + itemId + "\"}");
        if (inPath) {
            event.setRawPath(route.path().replace("{item_id}", itemId));
            event.setPathParameters(Map.of("item_id", itemId));
        }
        String[] handler = route.handler().split("::");
        Class<?> type = Class.forName(handler[0]);
        Object instance = type.getConstructor(Wiring.class).newInstance(rig.wiring());
        return (APIGatewayV2HTTPResponse) type.getMethod(handler[1], APIGatewayV2HTTPEvent.class, Context.class)
                .invoke(instance, event, new LambdaContext());
    }
}
