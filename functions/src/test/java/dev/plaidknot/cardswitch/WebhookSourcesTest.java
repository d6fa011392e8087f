package dev.plaidknot.cardswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.config.Misconfiguration;
import org.junit.jupiter.api.Test;

class WebhookSourcesTest {

    @Test
    void addresses_inside_a_block_are_allowed_and_others_not() {
        WebhookSources sources = WebhookSources.parse("35.232.249.218/32, 10.0.0.0/8, 2001:db8::/32");

        assertThat(sources.allows("35.232.249.218")).isTrue();
        assertThat(sources.allows("35.232.249.219")).isFalse();
        assertThat(sources.allows("10.200.3.4")).isTrue();
        assertThat(sources.allows("11.0.0.1")).isFalse();
        assertThat(sources.allows("2001:db8:1::5")).isTrue();
        assertThat(sources.allows("2001:db9::5")).isFalse();
        assertThat(sources.allows(null)).isFalse();
        assertThat(sources.allows("knot.example.com")).as("a name is never looked up").isFalse();
    }

    @Test
    void an_empty_list_allows_every_address() {
        assertThat(WebhookSources.parse("").allows("203.0.113.9")).isTrue();
        assertThat(WebhookSources.parse("").allowsEveryAddress()).isTrue();
    }

    @Test
    void a_block_that_is_not_one_is_a_misconfiguration() {
        for (String bad : new String[] {"35.232.249.218", "35.232.249.218/33", "knot.example.com/32", "1.2.3.4/x"}) {
            assertThatThrownBy(() -> WebhookSources.parse(bad)).isInstanceOf(Misconfiguration.class);
        }
    }
}
