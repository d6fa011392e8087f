package dev.plaidknot.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.sim.PlaidSimulator;
import java.io.IOException;
import java.util.UUID;

/**
 * The server side of the offline Link stand-in: finishes a Link session through the Plaid
 * simulator, which accepts only a link token it issued, and answers what Link's onSuccess would
 * receive (the public token and its metadata), or Link's error shape.
 */
final class LinkStandIn {

    static final String PATH = "/local/link/complete";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its HTTP status and JSON body. */
    record Answer(int status, byte[] body) {
    }

    private final PlaidSimulator plaid;

    LinkStandIn(PlaidSimulator plaid) {
        this.plaid = plaid;
    }

    Answer complete(byte[] body) throws IOException {
        PlaidSimulator.LinkSuccess success;
        try {
            JsonNode request = JSON.readTree(body);
            success = plaid.completeLink(request.path("link_token").asText(""),
                    request.path("institution_id").asText(PlaidSimulator.FIRST_PLATYPUS_BANK));
        } catch (IllegalArgumentException | IOException e) {
            ObjectNode error = JSON.createObjectNode();
            error.put("error_type", "INVALID_INPUT").put("error_code", "INVALID_LINK_TOKEN")
                    .put("error_message", "Link cannot finish: the link token is unknown or expired")
                    .put("display_message", "This link session has expired. Start again.");
            return new Answer(400, JSON.writeValueAsBytes(error));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("public_token", success.publicToken());
        ObjectNode metadata = answer.putObject("metadata");
        metadata.putObject("institution").put("name", success.institutionName())
                .put("institution_id", success.institutionId());
        var accounts = metadata.putArray("accounts");
        for (PlaidSimulator.Account account : success.accounts()) {
            accounts.addObject().put("id", account.accountId()).put("name", account.name())
                    .put("mask", account.mask()).put("type", account.type()).put("subtype", account.subtype())
                    .putNull("verification_status");
        }
        metadata.put("link_session_id", UUID.randomUUID().toString());
        return new Answer(200, JSON.writeValueAsBytes(answer));
    }
}
