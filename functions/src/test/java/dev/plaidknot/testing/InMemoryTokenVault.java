package dev.plaidknot.testing;

import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.upstream.DependencyUnavailable;
import dev.plaidknot.vault.TokenVault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A vault in memory for unit tests, keyed by user as the real one is, which can be told to fail
 * its next write as DynamoDB would. Items list newest (last saved) first.
 */
public final class InMemoryTokenVault implements TokenVault {

    public record StoredItem(String userId, NewItem item, String accessToken) {
    }

    public record StoredAccount(String userId, String itemId, BankAccount account, ProcessorTokenOutcome outcome) {
    }

    public final Map<String, StoredItem> items = new LinkedHashMap<>();
    public final List<StoredAccount> accounts = new CopyOnWriteArrayList<>();
    public final List<String> institutionUpdates = new ArrayList<>();
    public final Map<String, StatusEvent> statuses = new LinkedHashMap<>();
    private final InMemoryExchangeLedger ledger;
    private boolean failNextWrite;

    public InMemoryTokenVault() {
        this(new InMemoryExchangeLedger());
    }

    /** A vault whose item writes record the item on this ledger, in one step as the real one does. */
    public InMemoryTokenVault(InMemoryExchangeLedger ledger) {
        this.ledger = ledger;
    }

    public void failNextWrite() {
        failNextWrite = true;
    }

    private void write() {
        if (failNextWrite) {
            failNextWrite = false;
            throw new DependencyUnavailable("dynamodb", "ProvisionedThroughputExceededException", "fake-request");
        }
    }

    private Optional<StoredItem> owned(String userId, String itemId) {
        return Optional.ofNullable(items.get(itemId)).filter(i -> i.userId().equals(userId));
    }

    @Override
    public void saveItem(String userId, NewItem item, String accessToken, HeldExchange exchange) {
        write();
        if (items.containsKey(item.itemId()) || !ledger.recordItem(exchange.tokenHash(), exchange.leaseOwner(), item.itemId())) {
            throw new DependencyUnavailable("dynamodb", "TransactionCanceledException", "fake-request");
        }
        items.put(item.itemId(), new StoredItem(userId, item, accessToken));
    }

    /** An item saved outside any exchange, for tests that start from a linked item. */
    public void saveItem(String userId, NewItem item, String accessToken) {
        write();
        items.put(item.itemId(), new StoredItem(userId, item, accessToken));
    }

    @Override
    public Duration saveItemWorstCase() {
        return Duration.ZERO;
    }

    @Override
    public void recordInstitution(String userId, String itemId, String institutionId, String institutionName) {
        write();
        institutionUpdates.add(itemId + ":" + institutionId);
    }

    private record Sealed(BankAccount account, ProcessorTokenOutcome outcome) implements SealedAccount {
        @Override
        public String processorTokenStatus() {
            return outcome.status();
        }
    }

    @Override
    public SealedAccount sealAccount(String userId, String itemId, BankAccount account, ProcessorTokenOutcome outcome) {
        return new Sealed(account, outcome);
    }

    @Override
    public synchronized Map<String, String> saveAccounts(String userId, String itemId, List<SealedAccount> sealed) {
        write();
        Map<String, String> stored = new LinkedHashMap<>();
        for (SealedAccount account : sealed) {
            stored.put(account.account().accountId(), save(userId, itemId, (Sealed) account));
        }
        return stored;
    }

    /** One account written on its own, for tests that start from stored accounts. */
    public String saveAccount(String userId, String itemId, BankAccount account, ProcessorTokenOutcome outcome) {
        return saveAccounts(userId, itemId, List.of(sealAccount(userId, itemId, account, outcome)))
                .get(account.accountId());
    }

    private String save(String userId, String itemId, Sealed sealed) {
        Optional<StoredAccount> stored = accounts.reversed().stream()
                .filter(a -> a.itemId().equals(itemId) && a.account().accountId().equals(sealed.account().accountId()))
                .findFirst();
        boolean revoked = statuses.containsKey(itemId + "#" + sealed.account().accountId());
        if (stored.isPresent() && (stored.get().outcome() instanceof ProcessorTokenOutcome.Created || revoked)) {
            return stored.get().outcome().status();
        }
        accounts.add(new StoredAccount(userId, itemId, sealed.account(), sealed.outcome()));
        return sealed.outcome().status();
    }

    @Override
    public Optional<String> accessToken(String userId, String itemId) {
        return owned(userId, itemId).map(StoredItem::accessToken);
    }

    @Override
    public Optional<ItemView> item(String userId, String itemId) {
        return owned(userId, itemId).map(this::view);
    }

    @Override
    public Optional<AccountRef> account(String userId, String accountId) {
        return accounts.reversed().stream()
                .filter(a -> a.userId().equals(userId) && a.account().accountId().equals(accountId))
                .findFirst()
                .map(a -> new AccountRef(a.itemId(), accountId,
                        statuses.containsKey(a.itemId() + "#" + accountId) ? "revoked" : "active", a.outcome().status()));
    }

    @Override
    public Optional<String> processorToken(String userId, String itemId, String accountId) {
        return accounts.reversed().stream()
                .filter(a -> a.userId().equals(userId) && a.itemId().equals(itemId) && a.account().accountId().equals(accountId))
                .findFirst()
                .map(StoredAccount::outcome)
                .filter(o -> o instanceof ProcessorTokenOutcome.Created)
                .map(o -> ((ProcessorTokenOutcome.Created) o).processorToken());
    }

    @Override
    public ItemPage listItems(String userId, int limit, String cursor) {
        List<ItemView> views = items.values().stream().filter(i -> i.userId().equals(userId)).toList().reversed()
                .stream().map(this::view).toList();
        return new ItemPage(views.subList(0, Math.min(limit, views.size())), null);
    }

    @Override
    public List<ItemView> itemsNewestFirst(String userId) {
        return items.values().stream().filter(i -> i.userId().equals(userId)).toList().reversed()
                .stream().map(this::view).toList();
    }

    private ItemView view(StoredItem item) {
        String itemId = item.item().itemId();
        StatusEvent status = statuses.get(itemId);
        // The latest write of each account wins, as a PutItem overwrite does.
        Map<String, StoredAccount> latest = new LinkedHashMap<>();
        accounts.stream().filter(a -> a.itemId().equals(itemId)).forEach(a -> latest.put(a.account().accountId(), a));
        return new ItemView(itemId, item.item().institutionId(), item.item().institutionName(),
                status == null ? "healthy" : status.status(), status == null ? null : status.reason(), "-",
                latest.values().stream()
                        .map(a -> new AccountView(a.account(),
                                statuses.containsKey(itemId + "#" + a.account().accountId()) ? "revoked" : "active",
                                a.outcome().status()))
                        .toList());
    }

    @Override
    public void deleteItem(String userId, String itemId) {
        write();
        if (owned(userId, itemId).isPresent()) {
            items.remove(itemId);
            accounts.removeIf(a -> a.itemId().equals(itemId));
        }
    }

    @Override
    public Optional<String> ownerOf(String itemId) {
        return Optional.ofNullable(items.get(itemId)).map(StoredItem::userId);
    }

    @Override
    public boolean applyItemStatus(String userId, String itemId, StatusEvent event) {
        if (owned(userId, itemId).isEmpty()) {
            return false;
        }
        StatusEvent current = statuses.get(itemId);
        if (current != null && (current.at() > event.at()
                || (current.at() == event.at() && current.eventId().equals(event.eventId()))
                || (current.status().equals(event.status()) && Objects.equals(current.reason(), event.reason())))) {
            return false;
        }
        statuses.put(itemId, event);
        return true;
    }

    @Override
    public boolean applyAccountStatus(String userId, String itemId, String accountId, StatusEvent event) {
        return owned(userId, itemId).isPresent() && statuses.put(itemId + "#" + accountId, event) == null;
    }
}
