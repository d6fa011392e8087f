package dev.plaidknot.testing;

import dev.plaidknot.api.DependencyUnavailable;
import dev.plaidknot.vault.TokenVault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A vault in memory for unit tests, which can be told to fail its next write as DynamoDB would. */
public final class InMemoryTokenVault implements TokenVault {

    public record StoredItem(String userId, NewItem item, String accessToken) {
    }

    public record StoredAccount(String userId, String itemId, NewAccount account, ProcessorTokenOutcome outcome) {
    }

    public final Map<String, StoredItem> items = new LinkedHashMap<>();
    public final List<StoredAccount> accounts = new ArrayList<>();
    public final List<String> institutionUpdates = new ArrayList<>();
    private boolean failNextWrite;

    public void failNextWrite() {
        failNextWrite = true;
    }

    private void write() {
        if (failNextWrite) {
            failNextWrite = false;
            throw new DependencyUnavailable("dynamodb", "ProvisionedThroughputExceededException", "fake-request");
        }
    }

    @Override
    public void saveItem(String userId, NewItem item, String accessToken) {
        write();
        items.put(item.itemId(), new StoredItem(userId, item, accessToken));
    }

    @Override
    public void recordInstitution(String userId, String itemId, String institutionId, String institutionName) {
        write();
        institutionUpdates.add(itemId + ":" + institutionId);
    }

    @Override
    public void saveAccount(String userId, String itemId, NewAccount account, ProcessorTokenOutcome outcome) {
        write();
        accounts.add(new StoredAccount(userId, itemId, account, outcome));
    }
}
