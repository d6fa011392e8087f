package dev.plaidknot.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.config.Misconfiguration;
import org.junit.jupiter.api.Test;

class PlaidCredentialsTest {

    @Test
    void reads_the_secret_and_picks_the_host_from_its_environment() {
        PlaidCredentials credentials = PlaidCredentials.parse(
                "{\"client_id\":\"cid\",\"secret\":\"shh-123\",\"environment\":\"sandbox\"}");

        assertThat(credentials.clientId()).isEqualTo("cid");
        assertThat(credentials.environment().host().toString()).isEqualTo("https://sandbox.plaid.com");
        assertThat(PlaidEnvironment.parse("production").host().toString()).isEqualTo("https://production.plaid.com");
        assertThat(credentials.toString()).doesNotContain("shh-123");
    }

    @Test
    void a_malformed_secret_names_the_field_never_a_value() {
        assertThatThrownBy(() -> PlaidCredentials.parse("{\"client_id\":\"cid\",\"secret\":\"shh-123\"}"))
                .isInstanceOf(Misconfiguration.class).hasMessageContaining("environment").hasMessageNotContaining("shh-123");
        assertThatThrownBy(() -> PlaidCredentials.parse("{\"client_id\":\"cid\",\"secret\":\"shh-123\",\"environment\":\"development\"}"))
                .isInstanceOf(Misconfiguration.class).hasMessageContaining("sandbox or production");
        assertThatThrownBy(() -> PlaidCredentials.parse("shh-123"))
                .isInstanceOf(Misconfiguration.class).hasMessageNotContaining("shh-123");
    }
}
