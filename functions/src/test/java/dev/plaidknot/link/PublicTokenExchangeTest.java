package dev.plaidknot.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.domain.Refusal;
import dev.plaidknot.json.Json;
import dev.plaidknot.plaid.PlaidFailure;
import dev.plaidknot.testing.FakePlaidGateway;
import dev.plaidknot.testing.InMemoryExchangeLedger;
import dev.plaidknot.testing.InMemoryTokenVault;
import dev.plaidknot.testing.TestJson;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.vault.TokenVault.ProcessorTokenOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublicTokenExchangeTest {

    private final FakePlaidGateway plaid = new FakePlaidGateway();
    private final InMemoryExchangeLedger ledger = new InMemoryExchangeLedger();
    private final InMemoryTokenVault vault = new InMemoryTokenVault(ledger);
    private final PublicTokenExchange exchange =
            new PublicTokenExchange(plaid, vault, new ProcessorTokenIssuer(plaid, vault),
                    ledger, Clock.systemUTC(), Duration.ZERO);

    private ExchangeRequest request(String publicToken, List<String> accounts) {
        return new ExchangeRequest(publicToken, accounts, Optional.empty(), Optional.empty());
    }

    @Test
    void access_token_is_stored_before_any_other_plaid_call() {
        ExchangeResult result = exchange.exchange("user-1", request(plaid.newPublicToken(), List.of()));

        assertThat(plaid.calls).first().isEqualTo("item/public_token/exchange");
        assertThat(vault.items).containsKey(result.itemId());
        assertThat(vault.items.get(result.itemId()).accessToken()).isEqualTo(plaid.accessTokensByItem.get(result.itemId()));
        assertThat(vault.items.get(result.itemId()).userId()).isEqualTo("user-1");
    }

    @Test
    void no_accounts_from_link_means_every_account_of_the_item() {
        ExchangeResult result = exchange.exchange("user-1", request(plaid.newPublicToken(), List.of()));

        assertThat(result.accounts()).extracting(ExchangeResult.LinkedAccount::accountId)
                .containsExactly("acc-checking", "acc-saving", "acc-credit");
        assertThat(vault.accounts).hasSize(3).allMatch(a -> a.outcome() instanceof ProcessorTokenOutcome.Created);
    }

    @Test
    void selected_accounts_only_and_unknown_ids_reported() {
        ExchangeResult result = exchange.exchange("user-1",
                request(plaid.newPublicToken(), List.of("acc-saving", "acc-nope")));

        assertThat(result.accounts()).extracting(ExchangeResult.LinkedAccount::accountId).containsExactly("acc-saving");
        assertThat(result.unmatchedAccountIds()).containsExactly("acc-nope");
        assertThat(plaid.calls).filteredOn("processor/token/create"::equals).hasSize(1);
    }

    @Test
    void store_failure_removes_the_item_at_plaid_and_rethrows() {
        vault.failNextWrite();

        assertThatThrownBy(() -> exchange.exchange("user-1", request(plaid.newPublicToken(), List.of())))
                .isInstanceOf(DependencyUnavailable.class);
        assertThat(plaid.removedAccessTokens).containsExactlyElementsOf(plaid.accessTokensByItem.values());
        assertThat(plaid.calls).doesNotContain("accounts/get", "processor/token/create");
        assertThat(vault.items).isEmpty();
    }

    @Test
    void removal_failing_too_still_reports_the_store_failure() {
        vault.failNextWrite();
        plaid.failNext("item/remove", FakePlaidGateway.serverError("item/remove"));

        assertThatThrownBy(() -> exchange.exchange("user-1", request(plaid.newPublicToken(), List.of())))
                .isInstanceOf(DependencyUnavailable.class);
    }

    @Test
    void one_failed_processor_token_is_recorded_and_the_rest_go_on() {
        plaid.failNextForAccount("processor/token/create", "acc-checking",
                FakePlaidGateway.serverError("processor/token/create"));

        ExchangeResult result = exchange.exchange("user-1", request(plaid.newPublicToken(), List.of()));

        assertThat(result.accounts()).extracting(ExchangeResult.LinkedAccount::processorTokenStatus)
                .containsExactly("failed", "created", "created");
        assertThat(vault.accounts).filteredOn(a -> a.account().accountId().equals("acc-checking")).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(new ProcessorTokenOutcome.Failed("INTERNAL_SERVER_ERROR")));
    }

    @Test
    void plaids_institution_replaces_the_front_ends() {
        ExchangeResult result = exchange.exchange("user-1", new ExchangeRequest(plaid.newPublicToken(), List.of(),
                Optional.of("ins_1"), Optional.of("Spoofed Bank")));

        assertThat(result.institutionId()).isEqualTo("ins_109508");
        assertThat(result.institutionName()).isEqualTo("First Platypus Bank");
        assertThat(vault.institutionUpdates).containsExactly(result.itemId() + ":ins_109508");
    }

    @Test
    void a_failed_exchange_stores_nothing() {
        assertThatThrownBy(() -> exchange.exchange("user-1",
                request("public-sandbox-00000000-0000-4000-8000-000000000000", List.of())))
                .isInstanceOf(PlaidFailure.class);
        assertThat(vault.items).isEmpty();
        assertThat(vault.accounts).isEmpty();
    }

    @Test
    void a_retried_exchange_returns_the_first_result_without_exchanging_again() {
        String publicToken = plaid.newPublicToken();
        ExchangeResult first = exchange.exchange("user-1", request(publicToken, List.of()));

        ExchangeResult again = exchange.exchange("user-1", request(publicToken, List.of()));

        assertThat(again).isEqualTo(first);
        assertThat(plaid.calls).filteredOn("item/public_token/exchange"::equals).hasSize(1);
        assertThat(vault.items).hasSize(1);
        assertThat(ledger.entries).hasSize(1).doesNotContainKey(publicToken);
    }

    @Test
    void a_retried_exchange_fills_in_a_failed_processor_token() {
        String publicToken = plaid.newPublicToken();
        plaid.failNextForAccount("processor/token/create", "acc-checking",
                FakePlaidGateway.serverError("processor/token/create"));
        ExchangeResult first = exchange.exchange("user-1", request(publicToken, List.of()));
        assertThat(first.accounts().getFirst().processorTokenStatus()).isEqualTo("failed");

        ExchangeResult again = exchange.exchange("user-1", request(publicToken, List.of()));

        assertThat(again.accounts()).extracting(ExchangeResult.LinkedAccount::processorTokenStatus)
                .containsOnly("created");
        assertThat(plaid.calls).filteredOn("processor/token/create"::equals).hasSize(4);
        assertThat(plaid.calls).filteredOn("item/public_token/exchange"::equals).hasSize(1);
        assertThat(vault.accounts.getLast().outcome()).isInstanceOf(ProcessorTokenOutcome.Created.class);
    }

    @Test
    void another_user_replaying_the_token_learns_nothing() {
        String publicToken = plaid.newPublicToken();
        exchange.exchange("user-1", request(publicToken, List.of()));

        assertThatThrownBy(() -> exchange.exchange("user-2", request(publicToken, List.of())))
                .isInstanceOfSatisfying(Refusal.class, e -> {
                    assertThat(ErrorMapper.map(e).status()).isEqualTo(400);
                    assertThat(e.getMessage()).doesNotContain("item");
                });
    }

    @Test
    void a_failed_exchange_lets_go_so_a_retry_can_try_again() {
        String publicToken = plaid.newPublicToken();
        plaid.failNext("item/public_token/exchange", FakePlaidGateway.rateLimited("item/public_token/exchange"));
        assertThatThrownBy(() -> exchange.exchange("user-1", request(publicToken, List.of())))
                .isInstanceOf(PlaidFailure.class);
        assertThat(ledger.entries).isEmpty();

        assertThat(exchange.exchange("user-1", request(publicToken, List.of())).accounts()).hasSize(3);
    }

    @Test
    void the_result_carries_no_token() {
        ExchangeResult result = exchange.exchange("user-1", request(plaid.newPublicToken(), List.of()));
        JsonNode json = TestJson.read(Json.write(result.toJson()));

        assertThat(json.toString()).doesNotContain("access-sandbox-").doesNotContain("processor-sandbox-");
        assertThat(json.path("accounts").get(0).fieldNames()).toIterable()
                .containsExactlyInAnyOrder("account_id", "name", "mask", "type", "subtype", "processor_token_status");
        assertThat(json.path("item_id").asText()).isEqualTo(result.itemId());
        assertThat(ExchangeResult.fromJson(Json.write(result.toJson()))).isEqualTo(result);
    }
}
