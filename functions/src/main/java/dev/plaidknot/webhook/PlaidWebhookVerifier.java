package dev.plaidknot.webhook;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.plaidknot.api.ApiError;
import dev.plaidknot.plaid.PlaidGateway.WebhookKey;
import dev.plaidknot.plaid.PlaidGateway;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks Plaid's {@code Plaid-Verification} header as Plaid documents it: an ES256 JWT signed by
 * a key fetched from {@code /webhook_verification_key/get} by its key id (and cached), whose
 * {@code request_body_sha256} matches the raw body and whose {@code iat} is at most five minutes
 * old. Anything else is a 401 that names no detail an attacker could tune against.
 */
public final class PlaidWebhookVerifier {

    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** Clocks differ a little; a token from slightly in the future is still Plaid's. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final int MAX_HEADER_LENGTH = 4096;
    private static final Duration UNKNOWN_KEY_MEMORY = Duration.ofMinutes(5);
    private static final int MAX_UNKNOWN_KEYS = 1024;

    private final PlaidGateway plaid;
    private final InstantSource clock;
    private final Map<String, ECKey> keys = new ConcurrentHashMap<>();
    /** Key ids Plaid said it does not know, so a flood of forgeries is not a flood of calls to Plaid. */
    private final Map<String, Instant> unknownKeys = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_UNKNOWN_KEYS;
        }
    };

    public PlaidWebhookVerifier(PlaidGateway plaid, InstantSource clock) {
        this.plaid = plaid;
        this.clock = clock;
    }

    public VerifiedWebhook verify(String header, byte[] body) {
        if (header == null || header.isBlank() || header.length() > MAX_HEADER_LENGTH) {
            throw rejected();
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(header.strip());
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw rejected();
        }
        // Only ES256: never "none", never an HMAC keyed with something public.
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            throw rejected();
        }
        String keyId = jwt.getHeader().getKeyID();
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw rejected();
        }
        // The cheap checks first, so a forgery costs no call to Plaid for its key.
        Instant issuedAt = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
        Instant now = clock.instant();
        if (issuedAt == null || issuedAt.isBefore(now.minus(MAX_AGE)) || issuedAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw rejected();
        }
        Object claimedHash = claims.getClaim("request_body_sha256");
        if (!(claimedHash instanceof String hash)
                || !MessageDigest.isEqual(hash.toLowerCase().getBytes(), sha256Hex(body).getBytes())) {
            throw rejected();
        }
        ECKey key = key(keyId).orElseThrow(PlaidWebhookVerifier::rejected);
        try {
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw rejected();
            }
        } catch (JOSEException e) {
            throw rejected();
        }
        return new VerifiedWebhook(issuedAt.getEpochSecond(), sha256Hex(header.strip().getBytes()), body);
    }

    private Optional<ECKey> key(String keyId) {
        ECKey cached = keys.get(keyId);
        if (cached == null) {
            if (recentlyUnknown(keyId)) {
                return Optional.empty();
            }
            Optional<WebhookKey> fetched = plaid.getWebhookVerificationKey(keyId);
            if (fetched.isEmpty()) {
                rememberUnknown(keyId);
                return Optional.empty();
            }
            cached = toEcKey(fetched.get());
            if (cached == null) {
                return Optional.empty();
            }
            keys.put(keyId, cached);
        }
        // Plaid marks retired keys with expired_at; a retired key signs nothing new.
        if (cached.getExpirationTime() != null && cached.getExpirationTime().toInstant().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(cached);
    }

    private boolean recentlyUnknown(String keyId) {
        synchronized (unknownKeys) {
            Instant until = unknownKeys.get(keyId);
            return until != null && clock.instant().isBefore(until);
        }
    }

    private void rememberUnknown(String keyId) {
        synchronized (unknownKeys) {
            unknownKeys.put(keyId, clock.instant().plus(UNKNOWN_KEY_MEMORY));
        }
    }

    private static ECKey toEcKey(WebhookKey key) {
        if (!"EC".equals(key.kty()) || !"P-256".equals(key.crv()) || !"ES256".equals(key.alg())) {
            return null;
        }
        try {
            ECKey.Builder builder = new ECKey.Builder(Curve.P_256, new Base64URL(key.x()), new Base64URL(key.y()))
                    .keyID(key.keyId());
            if (key.expiredAt() != null && key.expiredAt() > 0) {
                builder.expirationTime(Date.from(Instant.ofEpochSecond(key.expiredAt())));
            }
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static ApiError rejected() {
        return new ApiError(401, "UNAUTHORIZED", "webhook verification failed");
    }
}
