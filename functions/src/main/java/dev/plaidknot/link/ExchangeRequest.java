package dev.plaidknot.link;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.plaidknot.api.ApiError;
import dev.plaidknot.api.RequestFields;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What Plaid Link's {@code onSuccess} hands the front end: the public token, the accounts the
 * user picked ({@code metadata.accounts}) and the institution ({@code metadata.institution}).
 * Only the account ids are taken from the accounts: names and masks come from Plaid itself.
 *
 * @param selectedAccountIds empty when Link gave no accounts: then every account of the item
 */
public record ExchangeRequest(String publicToken, List<String> selectedAccountIds,
                              Optional<String> institutionId, Optional<String> institutionName) {

    private static final Pattern PUBLIC_TOKEN = Pattern.compile(
            "public-(sandbox|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern INSTITUTION_ID = Pattern.compile("ins_[0-9]{1,12}");
    private static final Pattern INSTITUTION_NAME = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    private static final int MAX_ACCOUNTS = 100;

    public static ExchangeRequest parse(JsonObject body) {
        RequestFields fields = RequestFields.of(body);
        String publicToken = fields.requiredString("public_token", PUBLIC_TOKEN,
                "the public_token from Plaid Link's onSuccess (public-<environment>-<uuid>)");
        List<String> accountIds = fields.optionalArray("accounts").map(ExchangeRequest::accountIds).orElse(List.of());
        Optional<JsonObject> institution = fields.optionalObject("institution");
        Optional<String> institutionId = institution.flatMap(i -> RequestFields.nested(i, "institution")
                .optionalString("institution_id", INSTITUTION_ID, "a Plaid institution id (ins_…)"));
        Optional<String> institutionName = institution.flatMap(i -> RequestFields.nested(i, "institution")
                .optionalString("name", INSTITUTION_NAME, "at most 200 printable characters"));
        return new ExchangeRequest(publicToken, accountIds, institutionId, institutionName);
    }

    private static List<String> accountIds(JsonArray accounts) {
        if (accounts.size() > MAX_ACCOUNTS) {
            throw ApiError.badRequest("accounts may hold at most " + MAX_ACCOUNTS + " entries");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < accounts.size(); i++) {
            JsonElement account = accounts.get(i);
            String where = "accounts[" + i + "]";
            if (!account.isJsonObject()) {
                throw ApiError.badRequest(where + " must be an object, as in Link's metadata.accounts");
            }
            String id = RequestFields.nested(account.getAsJsonObject(), where)
                    .requiredString("id", RequestFields.PLAID_ID, "a Plaid account id");
            if (!ids.add(id)) {
                throw ApiError.badRequest(where + ".id repeats an earlier account");
            }
        }
        return new ArrayList<>(ids);
    }

    @Override
    public String toString() {
        return "ExchangeRequest[publicToken=<redacted>, selectedAccountIds=" + selectedAccountIds + "]";
    }
}
