package dev.plaidknot.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaidknot.vault.EncryptionContexts;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevelopmentTokenCipherTest {

    private static final String TOKEN = "access-sandbox-5d1f8b3e-2a4c-4e6f-9b1d-7c3e5a9f0b2d";
    private final DevelopmentTokenCipher cipher = DevelopmentTokenCipher.forPlaidEnvironment("sandbox");
    private final Map<String, String> context = EncryptionContexts.accessToken("user-1", "item-1");

    @Test
    void is_refused_for_plaid_production() {
        assertThatThrownBy(() -> DevelopmentTokenCipher.forPlaidEnvironment("production"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("production");
        assertThatThrownBy(() -> DevelopmentTokenCipher.forPlaidEnvironment(" Production "))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void decrypts_what_it_encrypted_under_the_same_context() {
        assertThat(cipher.decrypt(cipher.encrypt(TOKEN, context), context)).isEqualTo(TOKEN);
    }

    @Test
    void ciphertext_hides_the_token_and_never_repeats() {
        byte[] first = cipher.encrypt(TOKEN, context);
        byte[] second = cipher.encrypt(TOKEN, context);

        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("access-sandbox");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void ciphertext_moved_to_another_record_does_not_decrypt() {
        byte[] sealed = cipher.encrypt(TOKEN, context);

        assertThatThrownBy(() -> cipher.decrypt(sealed, EncryptionContexts.accessToken("user-2", "item-1")))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> cipher.decrypt(sealed,
                EncryptionContexts.processorToken("user-1", "item-1", "acc-1")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void another_runs_key_cannot_decrypt() {
        byte[] sealed = DevelopmentTokenCipher.forPlaidEnvironment("sandbox").encrypt(TOKEN, context);

        assertThatThrownBy(() -> cipher.decrypt(sealed, context)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tampered_ciphertext_does_not_decrypt() {
        byte[] sealed = cipher.encrypt(TOKEN, context);
        sealed[sealed.length - 1] ^= 1;

        assertThatThrownBy(() -> cipher.decrypt(sealed, context)).isInstanceOf(IllegalStateException.class);
    }
}
