package dev.plaidknot.devcards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.plaidknot.json.Json;
import dev.plaidknot.knot.KnotEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevelopmentCardPlatformTest {

    private final DevelopmentCardPlatform platform = new DevelopmentCardPlatform(
            Map.of("alice", List.of("card-a"), "*", List.of("shared")), KnotEnvironment.DEVELOPMENT);

    private static JsonObject request(String action, String user, String card) {
        return Json.fields().put("action", action).put("user_id", user).put("card_id", card).build();
    }

    @Test
    void a_cardholder_holds_their_own_cards_and_the_shared_ones_only() {
        assertThat(platform.answer(request("holds_card", "alice", "card-a")).get("holds").getAsBoolean()).isTrue();
        assertThat(platform.answer(request("holds_card", "bob", "card-a")).get("holds").getAsBoolean()).isFalse();
        assertThat(platform.answer(request("holds_card", "bob", "shared")).get("holds").getAsBoolean()).isTrue();
    }

    @Test
    void the_card_comes_as_a_jwe_that_knots_private_key_opens_to_the_test_card() throws Exception {
        RSAKey knot = new RSAKeyGenerator(2048).generate();
        JsonObject ask = request("card_jwe", "alice", "card-a");
        ask.add("jwk", Json.parse(knot.toPublicJWK().toJSONString()));

        String jwe = platform.answer(ask).get("jwe").getAsString();

        JWEObject opened = JWEObject.parse(jwe);
        assertThat(opened.getHeader().getAlgorithm().getName()).isEqualTo("RSA-OAEP-256");
        assertThat(opened.getHeader().getEncryptionMethod().getName()).isEqualTo("A256GCM");
        opened.decrypt(new RSADecrypter(knot));
        JsonObject body = Json.parse(opened.getPayload().toString()).getAsJsonObject();
        assertThat(body.getAsJsonObject("card").get("number").getAsString())
                .isEqualTo(DevelopmentCardPlatform.TEST_CARD_NUMBER);
        assertThat(body.getAsJsonObject("user").getAsJsonObject("name").get("first_name").getAsString()).isNotBlank();
    }

    @Test
    void a_card_not_held_gets_no_jwe() {
        JsonObject ask = request("card_jwe", "bob", "card-a");
        ask.add("jwk", Json.parse("{\"kty\":\"RSA\",\"n\":\"x\",\"e\":\"AQAB\"}"));
        assertThatThrownBy(() -> platform.answer(ask)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void it_will_not_serve_knot_production() {
        assertThatThrownBy(() -> new DevelopmentCardPlatform(Map.of(), KnotEnvironment.PRODUCTION))
                .isInstanceOf(IllegalStateException.class);
    }
}
