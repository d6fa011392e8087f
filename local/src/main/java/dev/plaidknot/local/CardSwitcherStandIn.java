package dev.plaidknot.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.sim.KnotSimulator;
import java.io.IOException;

/**
 * The server side of the offline CardSwitcher stand-in: a cardholder's merchant login, played by
 * the Knot simulator against this server's own webhook route (its signed AUTHENTICATED, up to 15 s
 * for the card, then CARD_UPDATED or CARD_FAILED), answered with the event Knot ended on.
 */
final class CardSwitcherStandIn {

    static final String PATH = "/local/knot/login";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KnotSimulator knot;

    CardSwitcherStandIn(KnotSimulator knot) {
        this.knot = knot;
    }

    LinkStandIn.Answer login(byte[] body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return error("the body is not JSON");
        }
        String session = request.path("session_id").asText("");
        int merchantId = request.path("merchant_id").asInt(0);
        String merchantName = request.path("merchant_name").asText("");
        if (session.isEmpty() || merchantId <= 0 || merchantName.isEmpty()) {
            return error("session_id, merchant_id and merchant_name are required");
        }
        KnotSimulator.MerchantLogin login;
        try {
            login = knot.loginToMerchant(session, new KnotSimulator.Merchant(merchantId, merchantName), true,
                    request.path("decline").asBoolean(false) ? "the merchant declined the card" : null);
        } catch (IllegalArgumentException unknown) {
            return error("no such CardSwitcher session");
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("event", login.finalEvent());
        answer.put("card_received", login.cardReceived());
        return new LinkStandIn.Answer(200, JSON.writeValueAsBytes(answer));
    }

    private static LinkStandIn.Answer error(String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.put("message", message);
        return new LinkStandIn.Answer(400, JSON.writeValueAsBytes(error));
    }
}
