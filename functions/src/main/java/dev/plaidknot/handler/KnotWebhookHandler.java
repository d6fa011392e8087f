package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.plaidknot.Wiring;
import dev.plaidknot.api.ApiCall;
import dev.plaidknot.api.ApiRequest;
import dev.plaidknot.api.ApiResponses;
import dev.plaidknot.cardswitch.CardSwitches;
import dev.plaidknot.cardswitch.CardSwitches.KnotWebhook;
import dev.plaidknot.json.Json;
import dev.plaidknot.knot.KnotWebhookSignature.SignedFields;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/knot}: not behind the JWT authorizer. The body is read only as far as
 * Knot's signature needs (its event and session) and the fields the switch uses; a field of the
 * wrong type reads as absent, so a delivery the signature does not cover cannot steer anything.
 */
public class KnotWebhookHandler extends HttpApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(KnotWebhookHandler.class);
    /** Knot's event names; anything else is logged as unrecognised, not as sent. */
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Z_]{1,64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final Supplier<CardSwitches> switches;

    public KnotWebhookHandler(Wiring wiring) {
        this.switches = wiring.builtAtInit(wiring::cardSwitches);
    }

    public KnotWebhookHandler(CardSwitches switches) {
        this.switches = () -> switches;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiCall.run("knot_webhook", event, context, () -> {
            ApiRequest request = ApiRequest.of(event);
            byte[] body = request.rawBody();
            KnotWebhook webhook = read(ApiRequest.object(body), body.length,
                    request.header("Content-Type").orElse(""));
            CardSwitches.Outcome outcome = switches.get().receive(webhook,
                    request.header("Knot-Signature").orElse(null), request.sourceIp());
            String eventName = EVENT_NAME.matcher(webhook.event()).matches() ? webhook.event() : "unrecognised";
            LOG.atInfo().addKeyValue("event", eventName).addKeyValue("outcome", outcome.name()).log("Knot webhook");
            return ApiResponses.json(200, Json.fields().put("outcome", outcome.name().toLowerCase(Locale.ROOT)).build());
        });
    }

    static KnotWebhook read(JsonObject body, long contentLength, String contentType) {
        JsonObject data = object(body, "data");
        JsonObject merchant = object(body, "merchant");
        JsonElement sendCard = data == null ? null : data.get("send_card");
        return new KnotWebhook(
                new SignedFields(contentLength, contentType, orEmpty(text(body, "event")), text(body, "session_id")),
                id(text(body, "task_id")),
                merchant == null ? null : id(text(merchant, "id")),
                merchant == null ? null : bounded(text(merchant, "name")),
                sendCard instanceof JsonPrimitive p && p.isBoolean() && p.getAsBoolean(),
                data == null ? null : bounded(text(data, "reason")),
                timestamp(body.get("timestamp")));
    }

    private static JsonObject object(JsonObject body, String field) {
        JsonElement value = body.get(field);
        return value instanceof JsonObject object ? object : null;
    }

    /** A string, or a number as Knot sends merchant ids; anything else is absent. */
    private static String text(JsonObject body, String field) {
        JsonElement value = body.get(field);
        return value instanceof JsonPrimitive p && (p.isString() || p.isNumber()) ? p.getAsString() : null;
    }

    private static String id(String value) {
        return value != null && ID.matcher(value).matches() ? value : null;
    }

    /** Free text kept for the cardholder's list: printable and short. */
    private static String bounded(String value) {
        if (value == null || value.isBlank() || value.chars().anyMatch(Character::isISOControl)
                || !ApiRequest.isWellFormed(value)) {
            return null;
        }
        return value.length() > 200 ? value.substring(0, 200) : value;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Knot's timestamp in epoch milliseconds; absent or odd, the time it arrived is used. */
    private static Instant timestamp(JsonElement value) {
        if (value instanceof JsonPrimitive p && p.isNumber()) {
            try {
                long millis = p.getAsBigDecimal().longValueExact();
                if (millis > 0 && millis < 32_503_680_000_000L) {
                    return Instant.ofEpochMilli(millis);
                }
            } catch (ArithmeticException e) {
                // not a whole number: treated as absent
            }
        }
        return null;
    }
}
