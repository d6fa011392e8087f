package dev.plaidknot.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;
import dev.plaidknot.testing.FakePlaidGateway;
import dev.plaidknot.testing.InMemoryTokenVault;
import dev.plaidknot.vault.TokenVault.NewItem;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ItemWebhooksTest {

    private final InMemoryTokenVault vault = new InMemoryTokenVault();
    private final FakePlaidGateway plaid = new FakePlaidGateway();
    private final ItemWebhooks webhooks = new ItemWebhooks(vault, plaid, () -> Instant.ofEpochSecond(500));
    private long clock = 1_000;

    @BeforeEach
    void item() {
        vault.saveItem("user-1", new NewItem("item1", "ins_109508", "First Platypus Bank"), "access-sandbox-x");
    }

    private ItemWebhooks.Outcome deliver(String body) throws Exception {
        JsonObject json = Json.parse(body).getAsJsonObject();
        return webhooks.handle(new VerifiedWebhook(clock++, "delivery-" + clock, body.getBytes()), json);
    }

    private static String item(String code, String extra) {
        return "{\"webhook_type\":\"ITEM\",\"webhook_code\":\"" + code + "\",\"item_id\":\"item1\"" + extra + "}";
    }

    @Test
    void each_item_code_maps_to_its_status() throws Exception {
        plaid.itemErrors.put("access-sandbox-x", "ITEM_LOGIN_REQUIRED");
        deliver(item("ERROR", ",\"error\":{\"error_code\":\"ITEM_LOGIN_REQUIRED\"}"));
        assertThat(vault.statuses.get("item1").status()).isEqualTo("needs_user");
        plaid.itemErrors.clear();
        deliver(item("LOGIN_REPAIRED", ""));
        assertThat(vault.statuses.get("item1").status()).isEqualTo("healthy");
        deliver(item("PENDING_EXPIRATION", ""));
        assertThat(vault.statuses.get("item1").reason()).isEqualTo("PENDING_EXPIRATION");
        deliver(item("PENDING_DISCONNECT", ""));
        assertThat(vault.statuses.get("item1").reason()).isEqualTo("PENDING_DISCONNECT");
        deliver(item("USER_PERMISSION_REVOKED", ""));
        assertThat(vault.statuses.get("item1").status()).isEqualTo("revoked");
        deliver(item("USER_ACCOUNT_REVOKED", ",\"account_id\":\"acc1\""));
        assertThat(vault.statuses.get("item1#acc1").status()).isEqualTo("revoked");
    }

    @Test
    void a_login_webhook_applies_the_items_state_at_plaid_whatever_the_delivery_order() throws Exception {
        String loginRequired = item("ERROR", ",\"error\":{\"error_code\":\"ITEM_LOGIN_REQUIRED\"}");
        plaid.itemErrors.put("access-sandbox-x", "ITEM_LOGIN_REQUIRED");
        deliver(loginRequired);
        plaid.itemErrors.clear();
        deliver(item("LOGIN_REPAIRED", ""));

        // Plaid retries the first delivery, signed anew: a later iat than the repair's.
        clock += 100;
        deliver(loginRequired);

        assertThat(vault.statuses.get("item1").status()).isEqualTo("healthy");
        assertThat(plaid.calls).filteredOn("item/get"::equals).hasSize(3);
    }

    @Test
    void other_errors_codes_and_types_are_only_acknowledged() throws Exception {
        assertThat(deliver(item("ERROR", ",\"error\":{\"error_code\":\"INSTITUTION_DOWN\"}")))
                .isEqualTo(ItemWebhooks.Outcome.ACKNOWLEDGED);
        assertThat(deliver(item("NEW_ACCOUNTS_AVAILABLE", ""))).isEqualTo(ItemWebhooks.Outcome.ACKNOWLEDGED);
        assertThat(deliver("{\"webhook_type\":\"TRANSACTIONS\",\"webhook_code\":\"SYNC_UPDATES_AVAILABLE\",\"item_id\":\"item1\"}"))
                .isEqualTo(ItemWebhooks.Outcome.ACKNOWLEDGED);
        assertThat(deliver("{\"webhook_type\":[],\"item_id\":{}}")).isEqualTo(ItemWebhooks.Outcome.ACKNOWLEDGED);
        assertThat(vault.statuses).isEmpty();
    }

    @Test
    void an_unknown_item_is_acknowledged_and_changes_nothing() throws Exception {
        assertThat(deliver("{\"webhook_type\":\"ITEM\",\"webhook_code\":\"LOGIN_REPAIRED\",\"item_id\":\"other\"}"))
                .isEqualTo(ItemWebhooks.Outcome.UNKNOWN_ITEM);
        assertThat(vault.statuses).isEmpty();
    }
}
