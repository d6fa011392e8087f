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
    void request_settings_say_what_is_sent_to_plaid_never_where_or_with_which_keys() {
        Settings settings = new Settings(Map.of("PLAID_WEBHOOK_URL", "https://api.example/webhooks/plaid",
                "PLAID_PRODUCTS", "auth", "PLAID_LANGUAGE", " ", "PLAID_SECRET_ARN", "arn:aws:secretsmanager:plaid",
                "PLAID_BASE_URL", "https://proxy.example", "KNOT_SECRET_ARN", "arn:aws:secretsmanager:knot",
                "TOKENS_TABLE", "tokens", "TOKEN_KEY_ID", "alias/tokens"));

        // priming's twin takes these: a host or a key from here would send its walk somewhere real
        assertThat(settings.plaidRequestSettings()).containsOnly(
                Map.entry("PLAID_WEBHOOK_URL", "https://api.example/webhooks/plaid"), Map.entry("PLAID_PRODUCTS", "auth"));
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
