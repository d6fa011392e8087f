package dev.plaidknot.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalOptionsTest {

    private static final Map<String, String> KEYS = Map.of("PLAID_CLIENT_ID", "id", "PLAID_SECRET", "secret");

    @Test
    void runs_offline_when_asked_or_when_plaid_keys_are_missing() {
        assertThat(LocalOptions.parse(List.of("--offline"), KEYS).offline()).isTrue();
        assertThat(LocalOptions.parse(List.of(), Map.of("PLAID_CLIENT_ID", "id")).offline()).isTrue();
        assertThat(LocalOptions.parse(List.of(), Map.of("PLAID_CLIENT_ID", "id")).offlineChosen()).isFalse();
        assertThat(LocalOptions.parse(List.of(), KEYS).offline()).isFalse();
    }

    @Test
    void defaults_to_port_3000_and_a_development_user() {
        LocalOptions options = LocalOptions.parse(List.of(), KEYS);

        assertThat(options.port()).isEqualTo(3000);
        assertThat(options.defaultUser()).isEqualTo("local-developer");
    }

    @Test
    void refuses_unknown_options_bad_ports_and_bad_users() {
        assertThatThrownBy(() -> LocalOptions.parse(List.of("--offlin"), KEYS)).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> LocalOptions.parse(List.of("--port", "70000"), KEYS)).hasMessageContaining("--port");
        assertThatThrownBy(() -> LocalOptions.parse(List.of("--port"), KEYS)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> LocalOptions.parse(List.of("--user", "a b"), KEYS)).hasMessageContaining("--user");
    }
}
