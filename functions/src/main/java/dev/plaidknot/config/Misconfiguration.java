package dev.plaidknot.config;

/**
 * The deployment is wrong (a missing variable, a malformed secret): no caller can fix it, so it
 * answers 500 and names the setting, never its value.
 */
public final class Misconfiguration extends RuntimeException {
    public Misconfiguration(String message) {
        super(message, null, false, false);
    }
}
