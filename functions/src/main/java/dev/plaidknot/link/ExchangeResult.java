package dev.plaidknot.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.api.Json;
import java.util.ArrayList;
import java.util.List;

/** What the caller learns of an exchange: ids, names and statuses, never a token. */
public record ExchangeResult(String itemId, String institutionId, String institutionName,
                             List<LinkedAccount> accounts, List<String> unmatchedAccountIds) {

    public record LinkedAccount(String accountId, String name, String mask, String type, String subtype,
                                String processorTokenStatus) {
        public boolean tokenFailed() {
            return "failed".equals(processorTokenStatus);
        }
    }

    public ExchangeResult withAccounts(List<LinkedAccount> replaced) {
        return new ExchangeResult(itemId, institutionId, institutionName, List.copyOf(replaced), unmatchedAccountIds);
    }

    public ObjectNode toJson() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("item_id", itemId);
        if (institutionId != null) {
            ObjectNode institution = body.putObject("institution");
            institution.put("institution_id", institutionId);
            institution.put("name", institutionName);
        }
        ArrayNode list = body.putArray("accounts");
        for (LinkedAccount account : accounts) {
            list.addObject()
                    .put("account_id", account.accountId())
                    .put("name", account.name())
                    .put("mask", account.mask())
                    .put("type", account.type())
                    .put("subtype", account.subtype())
                    .put("processor_token_status", account.processorTokenStatus());
        }
        if (!unmatchedAccountIds.isEmpty()) {
            ArrayNode unmatched = body.putArray("unmatched_account_ids");
            unmatchedAccountIds.forEach(unmatched::add);
        }
        return body;
    }

    /** Reads back what {@link #toJson()} wrote (the exchange ledger keeps it for retries). */
    public static ExchangeResult fromJson(String json) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored exchange result is not JSON", e);
        }
        List<LinkedAccount> accounts = new ArrayList<>();
        for (JsonNode a : body.path("accounts")) {
            accounts.add(new LinkedAccount(a.path("account_id").asText(), a.path("name").textValue(),
                    a.path("mask").textValue(), a.path("type").textValue(), a.path("subtype").textValue(),
                    a.path("processor_token_status").asText()));
        }
        List<String> unmatched = new ArrayList<>();
        body.path("unmatched_account_ids").forEach(id -> unmatched.add(id.asText()));
        JsonNode institution = body.path("institution");
        return new ExchangeResult(body.path("item_id").asText(),
                institution.path("institution_id").textValue(), institution.path("name").textValue(),
                accounts, unmatched);
    }
}
