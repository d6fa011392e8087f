package dev.plaidknot.link;

import java.util.List;
import java.util.Optional;

/**
 * What Plaid Link's {@code onSuccess} hands the front end: the public token, the accounts the
 * user picked ({@code metadata.accounts}) and the institution ({@code metadata.institution}).
 * Only the account ids are taken from the accounts: names and masks come from Plaid itself. Read
 * and checked by the exchange's handler.
 *
 * @param selectedAccountIds empty when Link gave no accounts: then every account of the item
 */
public record ExchangeRequest(String publicToken, List<String> selectedAccountIds,
                              Optional<String> institutionId, Optional<String> institutionName) {

    @Override
    public String toString() {
        return "ExchangeRequest[publicToken=<redacted>, selectedAccountIds=" + selectedAccountIds + "]";
    }
}
