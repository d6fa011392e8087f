package dev.plaidknot.it;

import static dev.plaidknot.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.sim.PlaidError;
import dev.plaidknot.sim.PlaidSimulator;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.ApiEvents;
import dev.plaidknot.testing.LambdaContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Listing and removing items, always across two users: neither sees nor touches the other's. */
class ItemLifecycleTest extends WithRig {


    private static List<String> itemIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(i -> ids.add(i.path("item_id").asText()));
        return ids;
    }

    @Test
    void each_user_lists_only_their_own_items_newest_first_without_tokens() {
        String first = api.link("list-alice");
        String second = api.link("list-alice");
        String bobs = api.link("list-bob");

        APIGatewayV2HTTPResponse alice = api.list("list-alice", Map.of());
        APIGatewayV2HTTPResponse bob = api.list("list-bob", Map.of());

        assertThat(alice.getStatusCode()).isEqualTo(200);
        assertThat(itemIds(json(alice))).containsExactly(second, first);
        assertThat(itemIds(json(bob))).containsExactly(bobs);
        JsonNode item = json(alice).path("items").get(0);
        assertThat(item.path("status").asText()).isEqualTo("healthy");
        assertThat(item.path("institution").path("name").asText()).isEqualTo("First Platypus Bank");
        assertThat(item.path("accounts")).hasSize(3);
        assertThat(item.path("accounts").get(0).path("processor_token_status").asText()).isEqualTo("created");
        assertThat(json(alice).path("next_cursor").isNull()).isTrue();
        for (String secret : rig.plaid.allSecrets()) {
            assertThat(alice.getBody()).doesNotContain(secret);
        }
    }

    @Test
    void large_lists_come_in_pages_that_cover_every_item_once() {
        List<String> linked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            linked.add(api.link("pager"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            APIGatewayV2HTTPResponse page = api.list("pager", cursor == null ? Map.of("limit", "2")
                    : Map.of("limit", "2", "cursor", cursor));
            assertThat(page.getStatusCode()).isEqualTo(200);
            assertThat(json(page).path("items").size()).isLessThanOrEqualTo(2);
            seen.addAll(itemIds(json(page)));
            cursor = json(page).path("next_cursor").isNull() ? null : json(page).path("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactlyElementsOf(linked.reversed());
        assertThat(pages).isBetween(3, 4);
    }

    @Test
    void another_users_cursor_cannot_reach_their_items() {
        api.link("cursor-alice");
        api.link("cursor-alice");
        String bobs = api.link("cursor-bob");
        String aliceCursor = json(api.list("cursor-alice", Map.of("limit", "1"))).path("next_cursor").asText();

        APIGatewayV2HTTPResponse bob = api.list("cursor-bob", Map.of("cursor", aliceCursor));

        assertThat(bob.getStatusCode()).isEqualTo(200);
        assertThat(itemIds(json(bob))).isSubsetOf(bobs);
    }

    @Test
    void bad_paging_parameters_are_400() {
        for (Map<String, String> query : List.of(Map.of("limit", "0"), Map.of("limit", "51"), Map.of("limit", "ten"),
                Map.of("cursor", "not-a-cursor!"), Map.of("cursor", "dXNlcjpib2I"))) {
            APIGatewayV2HTTPResponse response = api.list("bad-paging", query);
            assertThat(response.getStatusCode()).as(query.toString()).isEqualTo(400);
            assertThat(json(response).path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        }
    }

    @Test
    void deleting_removes_the_item_at_plaid_then_every_record() {
        String itemId = api.link("delete-alice");

        APIGatewayV2HTTPResponse response = api.delete("delete-alice", itemId);

        assertThat(response.getStatusCode()).isEqualTo(204);
        assertThat(rig.plaid.item(itemId).orElseThrow().removed()).isTrue();
        assertThat(rig.records("delete-alice")).noneMatch(r -> r.get("sk").s().startsWith("ITEM#" + itemId));
        assertThat(itemIds(json(api.list("delete-alice", Map.of())))).doesNotContain(itemId);
    }

    @Test
    void retrying_the_exchange_of_a_removed_item_does_not_resurrect_it() {
        String token = rig.plaid.createPublicToken(PlaidSimulator.FIRST_PLATYPUS_BANK);
        String body = "{\"public_token\":\"" + token + "\"}";
        String itemId = json(api.exchange.handleRequest(ApiEvents.from("relinker", "POST /exchange_public_token", body),
                new LambdaContext())).path("item_id").asText();
        assertThat(api.delete("relinker", itemId).getStatusCode()).isEqualTo(204);

        APIGatewayV2HTTPResponse retried = api.exchange.handleRequest(
                ApiEvents.from("relinker", "POST /exchange_public_token", body), new LambdaContext());

        assertThat(retried.getStatusCode()).isEqualTo(400);
        assertThat(rig.records("relinker")).isEmpty();
    }

    @Test
    void another_users_item_is_404_and_untouched() {
        String itemId = api.link("owner-alice");
        int recordsBefore = rig.records("owner-alice").size();
        int removalsBefore = rig.plaid.calls("/item/remove");

        APIGatewayV2HTTPResponse response = api.delete("intruder-bob", itemId);

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(rig.records("owner-alice")).hasSize(recordsBefore);
        assertThat(rig.plaid.calls("/item/remove")).isEqualTo(removalsBefore);
        assertThat(rig.plaid.item(itemId).orElseThrow().removed()).isFalse();
        assertThat(api.delete("owner-alice", "NoSuchItem123").getStatusCode()).isEqualTo(404);
    }

    @Test
    void an_item_plaid_already_forgot_is_still_deleted_here() {
        String itemId = api.link("forgotten");
        rig.plaid.removeAtPlaid(itemId);

        APIGatewayV2HTTPResponse response = api.delete("forgotten", itemId);

        assertThat(response.getStatusCode()).isEqualTo(204);
        assertThat(rig.records("forgotten")).isEmpty();
    }

    @Test
    void plaid_unavailable_deletes_nothing_and_a_retry_succeeds() {
        String itemId = api.link("retry-delete");
        int records = rig.records("retry-delete").size();
        // Every attempt fails: the first call and both of its retries.
        for (int i = 0; i < 3; i++) {
            rig.plaid.failNext("/item/remove", PlaidError.internalServerError());
        }
        for (int i = 0; i < 3; i++) {
            rig.plaid.stallNext("/item/remove", Duration.ofSeconds(10));
        }

        APIGatewayV2HTTPResponse failed = api.delete("retry-delete", itemId);
        APIGatewayV2HTTPResponse stalled = api.delete("retry-delete", itemId);

        assertThat(failed.getStatusCode()).isEqualTo(503);
        assertThat(stalled.getStatusCode()).isEqualTo(503);
        assertThat(json(failed).path("error").path("code").asText()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(rig.records("retry-delete")).hasSize(records);
        assertThat(api.delete("retry-delete", itemId).getStatusCode()).isEqualTo(204);
        assertThat(rig.records("retry-delete")).isEmpty();
    }

    @Test
    void an_ill_formed_item_id_is_400() {
        for (String itemId : List.of("../x", "a b", "ITEM#x#ACCOUNT#y", "x".repeat(200))) {
            assertThat(api.delete("ill-formed", itemId).getStatusCode()).as(itemId).isEqualTo(400);
        }
    }

    @Test
    void update_mode_link_token_carries_the_callers_items_access_token_only() {
        String itemId = api.link("update-alice");
        String accessToken = rig.plaid.item(itemId).orElseThrow().accessToken;

        APIGatewayV2HTTPResponse own = api.createLinkToken.handleRequest(ApiEvents.from("update-alice",
                "POST /create_link_token", "{\"item_id\":\"" + itemId + "\"}"), new LambdaContext());

        assertThat(own.getStatusCode()).isEqualTo(200);
        JsonNode sent = rig.plaid.received("/link/token/create").getLast().body();
        assertThat(sent.path("access_token").asText()).isEqualTo(accessToken);
        assertThat(sent.has("products")).isFalse();
        assertThat(own.getBody()).doesNotContain(accessToken);

        int calls = rig.plaid.calls("/link/token/create");
        APIGatewayV2HTTPResponse other = api.createLinkToken.handleRequest(ApiEvents.from("update-bob",
                "POST /create_link_token", "{\"item_id\":\"" + itemId + "\"}"), new LambdaContext());
        assertThat(other.getStatusCode()).isEqualTo(404);
        assertThat(rig.plaid.calls("/link/token/create")).isEqualTo(calls);
    }
}
