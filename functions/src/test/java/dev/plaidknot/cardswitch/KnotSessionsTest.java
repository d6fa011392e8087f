package dev.plaidknot.cardswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.api.ErrorMapper;
import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.domain.Refusal;
import dev.plaidknot.domain.Fingerprint;
import dev.plaidknot.testing.FakeCardPlatform;
import dev.plaidknot.testing.FakeKnotGateway;
import dev.plaidknot.testing.InMemoryCardSwitchRecords;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import dev.plaidknot.testing.InMemoryTokenVault;
import dev.plaidknot.vault.TokenVault.NewItem;
import dev.plaidknot.vault.TokenVault.ProcessorTokenOutcome;
import dev.plaidknot.vault.TokenVault.StatusEvent;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KnotSessionsTest {

    private final FakeKnotGateway knot = new FakeKnotGateway();
    private final InMemoryTokenVault vault = new InMemoryTokenVault();
    private final FakeCardPlatform cards = new FakeCardPlatform(Map.of("alice", Set.of("card-1"),
            "bob", Set.of("card-1"), "carol", Set.of("card-9")));
    private final InMemoryCardSwitchRecords records = new InMemoryCardSwitchRecords();
    private final KnotSessions sessions = new KnotSessions(knot, vault, cards, records, Clock.systemUTC());

    @BeforeEach
    void linked() {
        vault.saveItem("alice", new NewItem("old-item", "ins_1", "Bank"), "access-old");
        vault.saveAccount("alice", "old-item", account("old-checking"), new ProcessorTokenOutcome.Created("processor-old"));
        vault.saveItem("alice", new NewItem("new-item", "ins_1", "Bank"), "access-new");
        vault.saveAccount("alice", "new-item", account("new-failed"), new ProcessorTokenOutcome.Failed("INTERNAL_SERVER_ERROR"));
        vault.saveAccount("alice", "new-item", account("new-saving"), new ProcessorTokenOutcome.Created("processor-new"));
    }

    private static BankAccount account(String id) {
        return new BankAccount(id, "Plaid " + id, "0000", "depository", "checking");
    }

    @Test
    void the_newest_healthy_accounts_token_goes_to_knot_for_the_sub() {
        KnotSessions.KnotSession session = sessions.create("alice", "card-1", Optional.empty());

        assertThat(knot.requests).containsExactly(new FakeKnotGateway.SessionRequest("alice", "card-1", "processor-new"));
        assertThat(session.transactionsLinked()).isTrue();
        assertThat(session.environment()).isEqualTo("development");
        assertThat(session.toString()).doesNotContain(session.session());
    }

    @Test
    void an_item_needing_the_user_is_passed_over() {
        vault.applyItemStatus("alice", "new-item", new StatusEvent("needs_user", "ITEM_LOGIN_REQUIRED", 1, "e1"));

        sessions.create("alice", "card-1", Optional.empty());

        assertThat(knot.requests.getLast().processorToken()).isEqualTo("processor-old");
    }

    @Test
    void a_chosen_account_is_used_and_must_be_the_callers_with_a_token() {
        sessions.create("alice", "card-1", Optional.of("old-checking"));
        assertThat(knot.requests.getLast().processorToken()).isEqualTo("processor-old");

        assertThatThrownBy(() -> sessions.create("bob", "card-1", Optional.of("old-checking")))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(404));
        assertThatThrownBy(() -> sessions.create("alice", "card-1", Optional.of("new-failed")))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(409));
        assertThat(knot.requests).hasSize(1);
    }

    @Test
    void nothing_linked_still_makes_a_session_without_a_token() {
        KnotSessions.KnotSession session = sessions.create("carol", "card-9", Optional.empty());

        assertThat(session.transactionsLinked()).isFalse();
        assertThat(knot.requests.getLast().processorToken()).isNull();
    }

    @Test
    void a_card_the_caller_does_not_hold_is_not_found_and_knot_is_not_asked() {
        assertThatThrownBy(() -> sessions.create("alice", "card-9", Optional.empty()))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(404));

        assertThat(knot.requests).isEmpty();
        assertThat(records.sessions).isEmpty();
    }

    @Test
    void a_session_is_recorded_by_its_fingerprint_with_its_user_and_card() {
        KnotSessions.KnotSession session = sessions.create("alice", "card-1", Optional.empty());

        assertThat(records.sessions).containsOnlyKeys(Fingerprint.of(session.session()));
        assertThat(records.sessions.values()).singleElement()
                .satisfies(r -> assertThat(r.userId() + "/" + r.cardId()).isEqualTo("alice/card-1"));
    }

    @Test
    void only_the_caller_who_opened_a_session_can_extend_it() {
        KnotSessions.KnotSession session = sessions.create("alice", "card-1", Optional.empty());

        assertThatThrownBy(() -> sessions.extend("bob", session.session()))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(404));
        assertThatThrownBy(() -> sessions.extend("alice", "not-a-session"))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(ErrorMapper.map(e).status()).isEqualTo(404));
        assertThat(knot.extended).isEmpty();

        sessions.extend("alice", session.session());
        assertThat(knot.extended).containsExactly(session.session());
    }
}
