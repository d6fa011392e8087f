package dev.plaidknot.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.local.SamTemplate.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final RouteTable table = new RouteTable(List.of(
            new Route("GET", "/items", "ListItemsFunction", "x.List::handleRequest", true, 29),
            new Route("DELETE", "/items/{item_id}", "DeleteItemFunction", "x.Delete::handleRequest", true, 29),
            new Route("POST", "/webhooks/plaid", "PlaidWebhookFunction", "x.Hook::handleRequest", false, 29)));

    @Test
    void path_parameter_takes_one_decoded_segment() {
        RouteTable.Match match = table.match("DELETE", "/items/abc%2Fdef").orElseThrow();

        assertThat(match.route().functionId()).isEqualTo("DeleteItemFunction");
        assertThat(match.pathParameters()).isEqualTo(Map.of("item_id", "abc/def"));
        assertThat(match.route().routeKey()).isEqualTo("DELETE /items/{item_id}");
    }

    @Test
    void method_segments_and_empty_parameters_must_match() {
        assertThat(table.match("POST", "/items")).isEmpty();
        assertThat(table.match("DELETE", "/items/a/b")).isEmpty();
        assertThat(table.match("DELETE", "/items/")).isEmpty();
        assertThat(table.match("GET", "/items/")).isEmpty();
        assertThat(table.match("GET", "/")).isEmpty();
    }

    @Test
    void plus_in_a_path_stays_a_plus() {
        assertThat(table.match("DELETE", "/items/a+b").orElseThrow().pathParameters()).containsEntry("item_id", "a+b");
    }
}
