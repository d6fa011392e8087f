package dev.plaidknot.startup.standin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.plaidknot.knot.KnotWebhookSignature;
import dev.plaidknot.startup.standin.LoopbackUpstreams.Answer;
import dev.plaidknot.startup.standin.LoopbackUpstreams.Request;
import dev.plaidknot.vault.DynamoTokenVault;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What the loopback stand-in answers while priming: the smallest documented success of each
 * Plaid, Knot, DynamoDB and KMS call the services make, shaped as the real answer is where that
 * changes which code parses it (a table holding one linked item and its account, a link token
 * expiry past February, a webhook JWT's header fields), and a webhook key of its own so a signed
 * webhook can be verified end to end.
 */
public final class PrimingAnswers {

    public static final String ITEM_ID = "primingItem0000000000000000000000000";
    /** An item the stand-in's table does not hold: its removal is a 404. */
    public static final String UNKNOWN_ITEM_ID = "primingGone0000000000000000000000000";
    /** The priming item's one account, as the stand-in's accounts/get names it. */
    public static final String ACCOUNT_ID = "primingAccount";
    /**
     * The item's second account: an exchange of two accounts takes the concurrent path (one
     * account is done on the request's own thread), so priming walks what a real exchange runs.
     */
    public static final String SECOND_ACCOUNT_ID = "primingAccount2";
    /**
     * Plaid's own example timestamp, for the link token's expiry and the item's creation: past
     * February and off midnight, so parsing it takes the branches a real one takes (a real expiry
     * is four hours ahead, in any month). 2030-01-01T00:00:00Z skipped the leap-year step of turning
     * a date into an instant, and a restored link-token function then loaded and ran it on its first request.
     */
    public static final String PLAID_EXAMPLE_TIME = "2020-03-27T12:56:34Z";
    /** The Knot session the stand-in opens, and the card it is for. */
    public static final String KNOT_SESSION = "00000000-0000-4000-8000-00000000c0de";
    public static final String CARD_ID = "priming-card";
    /** The stand-in Knot's secret, as its Secrets Manager answers it: it signs the walk's Knot webhooks. */
    public static final String KNOT_SECRET = "priming";
    /** A compact JWE's shape: five base64url parts. */
    private static final String JWE = "cHJpbWluZw.cHJpbWluZw.cHJpbWluZw.cHJpbWluZw.cHJpbWluZw";
    /** A query or scan that finds nothing. */
    private static final String NO_ITEMS = "{\"Items\":[],\"Count\":0,\"ScannedCount\":0}";
    public static final String WEBHOOK_BODY = "{\"webhook_type\":\"ITEM\",\"webhook_code\":\"LOGIN_REPAIRED\",\"item_id\":\""
            + ITEM_ID + "\",\"environment\":\"sandbox\"}";
    private static final String KEY_ID = "00000000-0000-4000-8000-00000000a11e";
    private static final String BLOB = Base64.getEncoder().encodeToString("priming".getBytes(StandardCharsets.UTF_8));
    private static final ECKey WEBHOOK_KEY = webhookKey();

    private PrimingAnswers() {
    }

    public static Answer answer(Request request) {
        String target = request.header("x-amz-target");
        if (!target.isEmpty()) {
            String body = aws(target.substring(target.indexOf('.') + 1), request.body());
            // DynamoDB signs each answer with a CRC32 of its body, which the SDK checks: so does the stand-in.
            return target.startsWith("DynamoDB")
                    ? new Answer(200, body, Map.of("x-amz-crc32", crc32(body)))
                    : new Answer(200, body);
        }
        if (request.path().startsWith("/2015-03-31/functions/")) {
            // Lambda's Invoke of the card platform: the payload is the function's answer.
            return ok(request.body().contains("\"holds_card\"") ? "{\"holds\":true}" : "{\"jwe\":\"" + JWE + "\"}");
        }
        return switch (request.path()) {
            case "/link/token/create" -> ok("{\"link_token\":\"link-sandbox-00000000-0000-4000-8000-000000000000\","
                    + "\"expiration\":\"" + PLAID_EXAMPLE_TIME + "\",\"request_id\":\"priming\"}");
            case "/item/public_token/exchange" -> ok("{\"access_token\":\"access-sandbox-00000000-0000-4000-8000-000000000000\","
                    + "\"item_id\":\"" + ITEM_ID + "\",\"request_id\":\"priming\"}");
            case "/accounts/get" -> ok("{\"accounts\":[" + plaidAccount(ACCOUNT_ID) + "," + plaidAccount(SECOND_ACCOUNT_ID) + "],"
                    + "\"item\":{\"item_id\":\"" + ITEM_ID + "\",\"institution_id\":\"ins_109508\",\"webhook\":null,"
                    + "\"error\":null,\"available_products\":[],\"billed_products\":[],\"consent_expiration_time\":null,"
                    + "\"update_type\":\"background\"},\"request_id\":\"priming\"}");
            case "/processor/token/create" -> ok("{\"processor_token\":\"processor-sandbox-00000000-0000-4000-8000-000000000000\","
                    + "\"request_id\":\"priming\"}");
            case "/item/get" -> ok("{\"item\":{\"item_id\":\"" + ITEM_ID + "\",\"institution_id\":\"ins_109508\","
                    + "\"webhook\":null,\"error\":null,\"available_products\":[],\"billed_products\":[],"
                    + "\"consent_expiration_time\":null,\"update_type\":\"background\"},\"status\":null,"
                    + "\"request_id\":\"priming\"}");
            case "/item/remove", "/sandbox/public_token/create" -> ok("{\"public_token\":"
                    + "\"public-sandbox-00000000-0000-4000-8000-000000000000\",\"request_id\":\"priming\"}");
            case "/webhook_verification_key/get" -> ok("{\"key\":{\"alg\":\"ES256\",\"crv\":\"P-256\",\"kid\":\"" + KEY_ID
                    + "\",\"kty\":\"EC\",\"use\":\"sig\",\"x\":\"" + WEBHOOK_KEY.getX() + "\",\"y\":\"" + WEBHOOK_KEY.getY()
                    + "\",\"created_at\":1700000000,\"expired_at\":null},\"request_id\":\"priming\"}");
            case "/session/create" -> ok("{\"session\":\"" + KNOT_SESSION + "\"}");
            case "/session/extend", "/card" -> ok("{\"message\":\"Success\"}");
            case "/jwe/key" -> ok("{\"kty\":\"RSA\",\"n\":\"cHJpbWluZw\",\"e\":\"AQAB\",\"alg\":\"RSA-OAEP-256\"}");
            default -> new Answer(400, "{\"error_type\":\"INVALID_REQUEST\",\"error_code\":\"UNKNOWN_FIELDS\","
                    + "\"error_message\":\"priming\",\"display_message\":null,\"request_id\":\"priming\"}");
        };
    }

    /**
     * Secrets Manager's, DynamoDB's and KMS's JSON answers, by operation: made-up keys, a table
     * that holds the priming item and its one account, as a cardholder's linked bank would be (so
     * listing items, a Knot session, a webhook and an item's removal walk the path of one that is
     * there, where an empty table had ended each early), a made-up ciphertext.
     */
    private static String aws(String operation, String body) {
        if (operation.equals("GetItem") && body.contains("KNOTSESSION#")) {
            return "{\"Item\":{\"user_id\":{\"S\":\"" + PrimingEvents.CALLER + "\"},\"card_id\":{\"S\":\"" + CARD_ID
                    + "\"},\"session_until\":{\"S\":\"" + PLAID_EXAMPLE_TIME + "\"}}}";
        }
        if (operation.equals("GetItem") && body.contains(ITEM_ID)) {
            for (String ciphertext : List.of("access_token_ciphertext", "processor_token_ciphertext")) {
                if (body.contains("\"ProjectionExpression\":\"" + ciphertext + "\"")) {
                    return "{\"Item\":{\"" + ciphertext + "\":{\"B\":\"" + BLOB + "\"}}}";
                }
            }
        }
        return switch (operation) {
            case "Query" -> query(body);
            case "Scan" -> NO_ITEMS;
            case "Encrypt" -> "{\"CiphertextBlob\":\"" + BLOB + "\",\"KeyId\":\"priming\"}";
            case "Decrypt" -> "{\"Plaintext\":\"" + BLOB + "\",\"KeyId\":\"priming\"}";
            case "GetSecretValue" -> "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:000000000000:secret:priming\","
                    + "\"Name\":\"priming\",\"VersionId\":\"priming\",\"SecretString\":\"{\\\"client_id\\\":\\\"priming\\\","
                    + "\\\"secret\\\":\\\"priming\\\",\\\"environment\\\":\\\""
                    + (body.contains("priming-knot") ? "development" : "sandbox") + "\\\"}\"}";
            default -> "{}";
        };
    }

    /**
     * The table's answer to each query the vault makes, for the priming item: the caller's items
     * (the index's projection), the item's owner (keys only) and the item's accounts. Any other
     * query (an account by its id, another item's accounts) finds nothing.
     */
    private static String query(String body) {
        if (body.contains("MERCHANT#")) {
            return "{\"Items\":[{\"merchant_id\":{\"S\":\"12\"},\"merchant_name\":{\"S\":\"Priming\"},"
                    + "\"card_id\":{\"S\":\"" + CARD_ID + "\"},\"status\":{\"S\":\"updated\"},"
                    + "\"updated_at\":{\"S\":\"" + PLAID_EXAMPLE_TIME + "\"}}],\"Count\":1,\"ScannedCount\":1}";
        }
        String user = "{\"S\":\"" + DynamoTokenVault.userKey(PrimingEvents.CALLER) + "\"}";
        String itemKeys = "\"pk\":" + user + ",\"sk\":{\"S\":\"" + DynamoTokenVault.itemKey(ITEM_ID) + "\"}";
        String found;
        if (body.contains("\"IndexName\":\"" + DynamoTokenVault.ITEMS_BY_CREATION_INDEX + "\"")) {
            found = "{" + itemKeys + ",\"items_pk\":" + user + ",\"items_sk\":{\"S\":\"" + PLAID_EXAMPLE_TIME + "#" + ITEM_ID
                    + "\"},\"item_id\":{\"S\":\"" + ITEM_ID + "\"},\"institution_id\":{\"S\":\"ins_109508\"},"
                    + "\"institution_name\":{\"S\":\"Priming Bank\"},\"status\":{\"S\":\"healthy\"},"
                    + "\"created_at\":{\"S\":\"" + PLAID_EXAMPLE_TIME + "\"}}";
        } else if (body.contains("\"IndexName\":\"" + DynamoTokenVault.ITEM_OWNER_INDEX + "\"") && body.contains(ITEM_ID)) {
            found = "{" + itemKeys + ",\"plaid_item_id\":{\"S\":\"" + ITEM_ID + "\"}}";
        } else if (!body.contains("\"IndexName\"") && body.contains(DynamoTokenVault.accountKey(ITEM_ID, ""))) {
            found = account(user);
        } else if (!body.contains("\"IndexName\"") && body.contains("{\"S\":\"ITEM#\"}")) {
            // The user's partition: the item and its account (or the account alone, when filtered).
            String item = "{" + itemKeys + ",\"record_type\":{\"S\":\"item\"},\"item_id\":{\"S\":\"" + ITEM_ID
                    + "\"},\"items_sk\":{\"S\":\"" + PLAID_EXAMPLE_TIME + "#" + ITEM_ID + "\"},"
                    + "\"institution_id\":{\"S\":\"ins_109508\"},\"institution_name\":{\"S\":\"Priming Bank\"},"
                    + "\"status\":{\"S\":\"healthy\"},\"created_at\":{\"S\":\"" + PLAID_EXAMPLE_TIME + "\"}}";
            return body.contains("FilterExpression")
                    ? "{\"Items\":[" + account(user) + "],\"Count\":1,\"ScannedCount\":2}"
                    : "{\"Items\":[" + item + "," + account(user) + "],\"Count\":2,\"ScannedCount\":2}";
        } else {
            return NO_ITEMS;
        }
        return "{\"Items\":[" + found + "],\"Count\":1,\"ScannedCount\":1}";
    }

    private static String account(String user) {
        return "{\"pk\":" + user + ",\"sk\":{\"S\":\"" + DynamoTokenVault.accountKey(ITEM_ID, ACCOUNT_ID)
                + "\"},\"record_type\":{\"S\":\"account\"},\"item_id\":{\"S\":\"" + ITEM_ID + "\"},"
                + "\"account_id\":{\"S\":\"" + ACCOUNT_ID + "\"},\"name\":{\"S\":\"Priming\"},"
                + "\"mask\":{\"S\":\"0000\"},\"type\":{\"S\":\"depository\"},\"subtype\":{\"S\":\"checking\"},"
                + "\"status\":{\"S\":\"active\"},\"processor_token_status\":{\"S\":\"created\"}}";
    }

    private static String plaidAccount(String accountId) {
        return "{\"account_id\":\"" + accountId + "\",\"balances\":{\"available\":1,\"current\":1,"
                + "\"iso_currency_code\":\"USD\"},\"mask\":\"0000\",\"name\":\"Priming\",\"official_name\":null,"
                + "\"type\":\"depository\",\"subtype\":\"checking\"}";
    }

    private static String crc32(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toString(crc.getValue());
    }

    private static Answer ok(String body) {
        return new Answer(200, body);
    }

    /**
     * A Plaid-Verification header for this body, signed now by the stand-in's key, its JWT header
     * as the simulator's (alg, kid, typ): without typ, a restored webhook function read one for the
     * first time on a real request.
     */
    /** A Knot webhook of this event for the stand-in's session, with the headers Knot sends (its signature included). */
    public static Map<String, String> knotWebhookHeaders(String body, String event) {
        String signature = KnotWebhookSignature.sign(new KnotWebhookSignature.SignedFields(
                body.getBytes(StandardCharsets.UTF_8).length, "application/json", event, KNOT_SESSION), KNOT_SECRET);
        return Map.of("content-type", "application/json", "knot-signature", signature);
    }

    public static String knotWebhook(String event, String data) {
        return "{\"event\":\"" + event + "\",\"session_id\":\"" + KNOT_SESSION + "\",\"task_id\":\"priming-task\","
                + "\"external_user_id\":\"" + PrimingEvents.CALLER + "\",\"merchant\":{\"id\":12,\"name\":\"Priming\"},"
                + "\"data\":" + data + ",\"timestamp\":1700000000000}";
    }

    public static String signedWebhook(byte[] body) {
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(KEY_ID).type(JOSEObjectType.JWT).build(),
                    new JWTClaimsSet.Builder().issueTime(new Date()).claim("request_body_sha256", hash).build());
            jwt.sign(new ECDSASigner(WEBHOOK_KEY));
            return jwt.serialize();
        } catch (JOSEException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey webhookKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(KEY_ID).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
