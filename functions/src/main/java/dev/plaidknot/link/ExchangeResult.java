package dev.plaidknot.link;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.plaidknot.domain.BankAccount;
import dev.plaidknot.json.Json;
import java.util.ArrayList;
import java.util.List;

/** What the caller learns of an exchange: ids, names and statuses, never a token. */
public record ExchangeResult(String itemId, String institutionId, String institutionName,
                             List<LinkedAccount> accounts, List<String> unmatchedAccountIds) {

    /** An account the exchange linked, and its processor token's status ({@code created} or {@code failed}). */
    public record LinkedAccount(BankAccount account, String processorTokenStatus) {
        public String accountId() {
            return account.accountId();
        }

        public boolean tokenFailed() {
            return "failed".equals(processorTokenStatus);
        }
    }

    public JsonObject toJson() {
        JsonObject body = new JsonObject();
        body.addProperty("item_id", itemId);
        if (institutionId != null) {
            JsonObject institution = new JsonObject();
            institution.addProperty("institution_id", institutionId);
            institution.addProperty("name", institutionName);
            body.add("institution", institution);
        }
        JsonArray list = new JsonArray();
        for (LinkedAccount account : accounts) {
            JsonObject entry = account.account().toJson();
            entry.addProperty("processor_token_status", account.processorTokenStatus());
            list.add(entry);
        }
        body.add("accounts", list);
        if (!unmatchedAccountIds.isEmpty()) {
            JsonArray unmatched = new JsonArray();
            unmatchedAccountIds.forEach(unmatched::add);
            body.add("unmatched_account_ids", unmatched);
        }
        return body;
    }

    /** Reads back what {@link #toJson()} wrote (the exchange ledger keeps it for retries). */
    public static ExchangeResult fromJson(String json) {
        JsonObject body;
        try {
            body = Json.parse(json).getAsJsonObject();
        } catch (Json.Malformed | IllegalStateException e) {
            throw new IllegalStateException("a stored exchange result is not a JSON object", e);
        }
        List<LinkedAccount> accounts = new ArrayList<>();
        for (JsonElement element : Json.array(body, "accounts")) {
            JsonObject a = element.isJsonObject() ? element.getAsJsonObject() : new JsonObject();
            accounts.add(new LinkedAccount(BankAccount.fromJson(a), Json.text(a, "processor_token_status").orElse("")));
        }
        List<String> unmatched = new ArrayList<>();
        Json.array(body, "unmatched_account_ids").forEach(id -> unmatched.add(id.getAsString()));
        JsonObject institution = Json.object(body, "institution");
        return new ExchangeResult(Json.text(body, "item_id").orElse(""),
                Json.text(institution, "institution_id").orElse(null), Json.text(institution, "name").orElse(null),
                accounts, unmatched);
    }
}
