package dev.plaidknot.webhook;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.plaidknot.domain.Refusal.WebhookNotVerified;
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
    /** Plaid's key ids are UUIDs: anything else is not Plaid's, and costs no call to ask. */
    private static final Pattern KEY_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int MAX_HEADER_LENGTH = 4096;
    private static final Duration UNKNOWN_KEY_MEMORY = Duration.ofMinutes(5);
    private static final int MAX_UNKNOWN_KEYS = 1024;
    /**
     * Fetches of a key id not in the cache, per execution environment: a burst of this many, then
     * one more per {@link #KEY_FETCH_REFILL}. Anyone can post a webhook with a fresh key id, and
     * each fetch spends our Plaid keys' rate limit; Plaid rotates its signing key rarely and
     * retries a refused delivery, so a genuine new key still gets through within minutes.
     */
    static final int KEY_FETCH_BURST = 5;
    static final Duration KEY_FETCH_REFILL = Duration.ofSeconds(12);
    /** A cached key is asked for again after this, so an expiry Plaid set since is seen. */
    static final Duration KEY_REFRESH = Duration.ofHours(1);

    private record CachedKey(ECKey key, Instant fetchedAt) {
    }

    private final PlaidGateway plaid;
    private final InstantSource clock;
    private final Map<String, CachedKey> keys = new ConcurrentHashMap<>();
    private double fetchTokens = KEY_FETCH_BURST;
    private Instant fetchTokensAt;
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
        Instant now = clock.instant();
        CachedKey cached = keys.get(keyId);
        if (cached == null || cached.fetchedAt().plus(KEY_REFRESH).isBefore(now)) {
            if (cached == null && (recentlyUnknown(keyId) || !takeFetchToken(now))) {
                return Optional.empty();
            }
            Optional<WebhookKey> fetched;
            try {
                fetched = plaid.getWebhookVerificationKey(keyId);
            } catch (RuntimeException failure) {
                if (cached == null) {
                    throw failure;
                }
                fetched = null; // Plaid unreachable for a refresh: the cached key and its expiry stand
            }
            if (fetched != null) {
                if (fetched.isEmpty()) {
                    keys.remove(keyId);
                    rememberUnknown(keyId);
                    return Optional.empty();
                }
                ECKey key = toEcKey(fetched.get());
                if (key == null) {
                    return Optional.empty();
                }
                cached = new CachedKey(key, now);
                keys.put(keyId, cached);
            }
        }
        // Plaid marks retired keys with expired_at; a retired key signs nothing new.
        ECKey key = cached.key();
        if (key.getExpirationTime() != null && key.getExpirationTime().toInstant().isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    /** One fetch of an uncached key id from the environment's budget; false when it is spent. */
    private synchronized boolean takeFetchToken(Instant now) {
        if (fetchTokensAt != null) {
            double refilled = (double) Duration.between(fetchTokensAt, now).toMillis() / KEY_FETCH_REFILL.toMillis();
            fetchTokens = Math.min(KEY_FETCH_BURST, fetchTokens + Math.max(0, refilled));
        }
        fetchTokensAt = now;
        if (fetchTokens < 1) {
            return false;
        }
        fetchTokens -= 1;
        return true;
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

    private static WebhookNotVerified rejected() {
        return new WebhookNotVerified();
    }
}
