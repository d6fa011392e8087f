package dev.plaidknot.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.domain.Refusal;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.testing.FakePlaidGateway;
import dev.plaidknot.testing.InMemoryTokenVault;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.vault.TokenVault.NewItem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ItemRemovalTest {

    private final FakePlaidGateway plaid = new FakePlaidGateway();
    private final InMemoryTokenVault vault = new InMemoryTokenVault();
    private final ItemRemoval items = new ItemRemoval(plaid, vault);

    @BeforeEach
    void item() {
        vault.saveItem("alice", new NewItem("item1", null, null), "access-sandbox-alice");
    }

    @Test
    void removal_goes_to_plaid_first_then_deletes_the_records() {
        items.remove("alice", "item1");

        assertThat(plaid.removedAccessTokens).containsExactly("access-sandbox-alice");
        assertThat(vault.items).isEmpty();
    }

    @Test
    void another_users_item_is_not_found_and_plaid_is_not_called() {
        assertThatThrownBy(() -> items.remove("bob", "item1"))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(404));
        assertThat(plaid.calls).isEmpty();
        assertThat(vault.items).containsKey("item1");
    }

    @Test
    void an_item_plaid_no_longer_knows_is_deleted_anyway() {
        plaid.failNext("item/remove", PlaidFailure.rejected("item/remove", 400, "ITEM_ERROR", "ITEM_NOT_FOUND", "r", null, null));

        items.remove("alice", "item1");

        assertThat(vault.items).isEmpty();
    }

    @Test
    void plaid_down_keeps_the_records_and_is_retryable() {
        plaid.failNext("item/remove", FakePlaidGateway.serverError("item/remove"));
        assertThatThrownBy(() -> items.remove("alice", "item1")).isInstanceOf(DependencyUnavailable.class);

        plaid.failNext("item/remove", PlaidFailure.timeout("item/remove"));
        assertThatThrownBy(() -> items.remove("alice", "item1")).isInstanceOf(DependencyUnavailable.class);

        assertThat(vault.items).containsKey("item1");
    }

    @Test
    void plaid_refusing_for_another_reason_is_passed_on_and_deletes_nothing() {
        plaid.failNext("item/remove", PlaidFailure.rejected("item/remove", 400, "INVALID_INPUT", "INVALID_API_KEYS", "r", null, null));

        assertThatThrownBy(() -> items.remove("alice", "item1")).isInstanceOf(PlaidFailure.class);
        assertThat(vault.items).containsKey("item1");
    }
}
