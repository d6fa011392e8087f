package dev.plaidknot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void link_settings_have_sensible_defaults() {
        Settings settings = new Settings(Map.of());

        assertThat(settings.plaidProducts()).containsExactly("transactions");
        assertThat(settings.plaidCountryCodes()).containsExactly("US");
        assertThat(settings.plaidLanguage()).isEqualTo("en");
        assertThat(settings.plaidWebhookUrl()).isEmpty();
        assertThat(settings.plaidBaseUrl()).isEmpty();
        assertThat(settings.secretCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.plaidTimeout()).isLessThan(Duration.ofSeconds(29));
    }

    @Test
    void lists_are_comma_separated_and_checked_against_plaids_enums() {
        Settings settings = new Settings(Map.of("PLAID_PRODUCTS", "transactions, auth", "PLAID_COUNTRY_CODES", "US,CA"));
        assertThat(settings.plaidProducts()).containsExactly("transactions", "auth");
        assertThat(settings.plaidCountryCodes()).containsExactly("US", "CA");

        assertThatThrownBy(() -> new Settings(Map.of("PLAID_PRODUCTS", "teleport")).plaidProducts())
                .isInstanceOf(Misconfiguration.class);
        assertThatThrownBy(() -> new Settings(Map.of("PLAID_COUNTRY_CODES", "XX")).plaidCountryCodes())
                .isInstanceOf(Misconfiguration.class);
    }

    @Test
    void required_and_malformed_values_fail_naming_the_variable() {
        assertThatThrownBy(() -> new Settings(Map.of()).tokensTable()).hasMessageContaining("TOKENS_TABLE");
        assertThatThrownBy(() -> new Settings(Map.of("PLAID_TIMEOUT_MS", "-1")).plaidTimeout())
                .hasMessageContaining("PLAID_TIMEOUT_MS");
        assertThatThrownBy(() -> new Settings(Map.of("PLAID_BASE_URL", "not a url")).plaidBaseUrl())
                .isInstanceOf(Misconfiguration.class);
        assertThatThrownBy(() -> new Settings(Map.of("PLAID_BASE_URL", "ftp://proxy")).plaidBaseUrl())
                .isInstanceOf(Misconfiguration.class);
        assertThatThrownBy(() -> new Settings(Map.of("PLAID_CLIENT_NAME", "x".repeat(31))).plaidClientName())
                .hasMessageContaining("30");
    }
}
