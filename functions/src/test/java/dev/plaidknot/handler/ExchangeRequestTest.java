package dev.plaidknot.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.plaidknot.api.ApiError;
import dev.plaidknot.json.Json;
import dev.plaidknot.link.ExchangeRequest;
import org.junit.jupiter.api.Test;

class ExchangeRequestTest {

    private static final String TOKEN = "public-sandbox-5c224a01-8314-4491-a06f-39e193d5cddc";

    private static JsonObject json(String text) {
        return Json.parse(text).getAsJsonObject();
    }

    @Test
    void reads_what_link_on_success_gives() throws Exception {
        ExchangeRequest request = ExchangePublicTokenHandler.read(json("""
                {"public_token":"%s",
                 "accounts":[{"id":"acc1","name":"Plaid Checking","mask":"0000","type":"depository",
                              "subtype":"checking","verification_status":null},{"id":"acc2"}],
                 "institution":{"name":"First Platypus Bank","institution_id":"ins_109508"},
                 "link_session_id":"79e772be-547d-4c9c-8b76-4ac4ed4c441a"}""".formatted(TOKEN)));

        assertThat(request.publicToken()).isEqualTo(TOKEN);
        assertThat(request.selectedAccountIds()).containsExactly("acc1", "acc2");
        assertThat(request.institutionId()).contains("ins_109508");
        assertThat(request.institutionName()).contains("First Platypus Bank");
        assertThat(request.toString()).doesNotContain(TOKEN);
    }

    @Test
    void accounts_and_institution_are_optional() throws Exception {
        ExchangeRequest request = ExchangePublicTokenHandler.read(json("{\"public_token\":\"" + TOKEN + "\",\"accounts\":null}"));
        assertThat(request.selectedAccountIds()).isEmpty();
        assertThat(request.institutionId()).isEmpty();
    }

    @Test
    void each_wrong_field_is_named_in_a_400() throws Exception {
        assertRejected("{}", "public_token is required");
        assertRejected("{\"public_token\":true}", "public_token must be a string");
        assertRejected("{\"public_token\":\"public-sandbox-123\"}", "public_token must be");
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"accounts\":\"acc1\"}", "accounts must be an array");
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"accounts\":[\"acc1\"]}", "accounts[0] must be an object");
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"accounts\":[{\"id\":\"ok\"},{\"id\":7}]}", "accounts[1].id must be a string");
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"accounts\":[{\"id\":\"a b\"}]}", "accounts[0].id must be");
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"institution\":{\"institution_id\":\"bank\"}}", "institution.institution_id must be");
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"institution\":{\"name\":\"Bank \\uD800\"}}", "institution.name must be");
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"accounts\":[{\"id\":\"a\"},{\"id\":\"a\"}]}",
                "repeats an earlier account");
    }

    @Test
    void too_many_accounts_is_a_400() throws Exception {
        StringBuilder accounts = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            accounts.append(i == 0 ? "" : ",").append("{\"id\":\"a").append(i).append("\"}");
        }
        assertRejected("{\"public_token\":\"" + TOKEN + "\",\"accounts\":" + accounts + "]}", "at most 100");
    }

    private static void assertRejected(String body, String message) throws Exception {
        JsonObject node = json(body);
        assertThatThrownBy(() -> ExchangePublicTokenHandler.read(node))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
