package dev.plaidknot.devcards;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import dev.plaidknot.aws.AwsClients;
import dev.plaidknot.json.Json;
import dev.plaidknot.knot.KnotCredentials;
import dev.plaidknot.secrets.SecretsManagerSource;
import dev.plaidknot.knot.KnotEnvironment;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A card platform for development: the contract an issuer's own platform keeps, answered with a
 * test card only (the well-known Visa test number, a far expiry, a made-up cardholder). It will
 * not run against Knot production, where a test card would be a real request to a merchant. Which
 * cards a cardholder holds is configured: {@code {"<sub>": ["<card id>", …], "*": [...]}}, where
 * {@code "*"} lists cards every cardholder holds.
 *
 * <p>An issuer's platform replaces the test card with the cardholder's own from its card
 * processor, and {@link #holds} with its own records; the JWE step stays as it is here.
 */
public final class DevelopmentCardPlatform {

    /** Visa's test number: accepted by test gateways, refused by real ones. */
    static final String TEST_CARD_NUMBER = "4242424242424242";

    private final Map<String, List<String>> holdings;

    public DevelopmentCardPlatform(Map<String, List<String>> holdings, KnotEnvironment knot) {
        if (knot != KnotEnvironment.DEVELOPMENT) {
            throw new IllegalStateException("the development card platform serves Knot's development environment only");
        }
        this.holdings = Map.copyOf(holdings);
    }

    /**
     * As deployed: the holdings from {@code DEVELOPMENT_CARDS}, Knot's environment from the Knot
     * secret ({@code KNOT_SECRET_ARN}), so the platform stops before serving Knot production.
     */
    public static DevelopmentCardPlatform fromEnvironment() {
        String knotSecret = new SecretsManagerSource(AwsClients.secretsManager()).secretString(System.getenv("KNOT_SECRET_ARN"));
        return new DevelopmentCardPlatform(holdings(System.getenv("DEVELOPMENT_CARDS")),
                KnotCredentials.parse(knotSecret).environment());
    }

    /** {@code {"<sub>": ["<card id>", …]}}; absent or blank, no one holds a card. */
    public static Map<String, List<String>> holdings(String json) {
        Map<String, List<String>> holdings = new HashMap<>();
        if (json == null || json.isBlank()) {
            return holdings;
        }
        JsonObject object = Json.parse(json).getAsJsonObject();
        for (String user : object.keySet()) {
            List<String> cards = new ArrayList<>();
            object.getAsJsonArray(user).forEach(card -> cards.add(card.getAsString()));
            holdings.put(user, cards);
        }
        return holdings;
    }

    /** One invocation: the contract's request in, its answer out; a bad request is an error, as a function error. */
    public JsonObject answer(JsonObject request) {
        String action = text(request, "action");
        String userId = text(request, "user_id");
        String cardId = text(request, "card_id");
        if (action == null || userId == null || cardId == null) {
            throw new IllegalArgumentException("a request names action, user_id and card_id");
        }
        JsonObject answer = new JsonObject();
        switch (action) {
            case "holds_card" -> answer.addProperty("holds", holds(userId, cardId));
            case "card_jwe" -> {
                if (!holds(userId, cardId)) {
                    throw new IllegalArgumentException("the cardholder does not hold this card");
                }
                if (!(request.get("jwk") instanceof JsonObject jwk)) {
                    throw new IllegalArgumentException("card_jwe needs Knot's jwk");
                }
                answer.addProperty("jwe", sealed(jwk));
            }
            default -> throw new IllegalArgumentException("unknown action");
        }
        return answer;
    }

    private boolean holds(String userId, String cardId) {
        return holdings.getOrDefault(userId, List.of()).contains(cardId)
                || holdings.getOrDefault("*", List.of()).contains(cardId);
    }

    /** Knot's card body, as a compact JWE (RSA-OAEP-256, A256GCM) under Knot's key. */
    private static String sealed(JsonObject jwk) {
        JsonObject name = Json.fields().put("first_name", "Test").put("last_name", "Cardholder").build();
        JsonObject address = Json.fields().put("street", "100 Test Street").put("street2", "Apt 1")
                .put("city", "New York").put("region", "NY").put("postal_code", "10001").put("country", "US").build();
        JsonObject user = new JsonObject();
        user.add("name", name);
        user.add("address", address);
        user.addProperty("phone_number", "+12125550100");
        JsonObject card = Json.fields().put("number", TEST_CARD_NUMBER).put("expiration", "12/2030")
                .put("cvv", "123").build();
        JsonObject body = new JsonObject();
        body.add("user", user);
        body.add("card", card);
        try {
            RSAKey key = RSAKey.parse(Json.write(jwk));
            JWEObject jwe = new JWEObject(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
                    new Payload(Json.write(body)));
            jwe.encrypt(new RSAEncrypter(key));
            return jwe.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("Knot's jwk is not an RSA public key");
        }
    }

    private static String text(JsonObject request, String field) {
        JsonElement value = request.get(field);
        return value instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
    }
}
