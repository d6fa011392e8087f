package dev.plaidknot.domain;

import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;

/**
 * A bank account as Plaid describes it, and as the cardholder recognises it: the one model of an
 * account. What the service adds (whether it is still linked, whether it has a processor token)
 * travels beside it, never inside it. Holds no token.
 */
public record BankAccount(String accountId, String name, String mask, String type, String subtype) {

    /** The account's fields as every answer that names an account writes them. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("account_id", accountId);
        json.addProperty("name", name);
        json.addProperty("mask", mask);
        json.addProperty("type", type);
        json.addProperty("subtype", subtype);
        return json;
    }

    /** Reads back what {@link #toJson()} wrote. */
    public static BankAccount fromJson(JsonObject json) {
        return new BankAccount(Json.text(json, "account_id").orElse(""), Json.text(json, "name").orElse(null),
                Json.text(json, "mask").orElse(null), Json.text(json, "type").orElse(null),
                Json.text(json, "subtype").orElse(null));
    }
}
