package dev.plaidknot.link;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.api.Json;
import java.util.List;

/** What the caller learns of an exchange: ids, names and statuses, never a token. */
public record ExchangeResult(String itemId, String institutionId, String institutionName,
                             List<LinkedAccount> accounts, List<String> unmatchedAccountIds) {

    public record LinkedAccount(String accountId, String name, String mask, String type, String subtype,
                                String processorTokenStatus) {
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
}
