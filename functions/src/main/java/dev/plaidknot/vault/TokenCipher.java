package dev.plaidknot.vault;

import java.util.Map;

/**
 * Encrypts a token under an encryption context, so a ciphertext copied to another user's or
 * item's record cannot be decrypted there.
 */
public interface TokenCipher {

    byte[] encrypt(String token, Map<String, String> context);

    String decrypt(byte[] ciphertext, Map<String, String> context);
}
