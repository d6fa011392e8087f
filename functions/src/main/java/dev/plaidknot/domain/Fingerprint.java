package dev.plaidknot.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A one-way key for a value that must not be stored: a public token's exchange record and a
 * Knot session's record are found by the SHA-256 of the value, so a read of the table does not
 * give the value itself.
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    /** Hex SHA-256 of the value's UTF-8 bytes. */
    public static String of(String secretValue) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secretValue.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
