package dev.plaidknot.testing;

import dev.plaidknot.knot.KnotEnvironment;
import dev.plaidknot.knot.KnotFailure;
import dev.plaidknot.knot.KnotGateway;
import dev.plaidknot.knot.KnotWebhookSignature;
import dev.plaidknot.knot.KnotWebhookSignature.SignedFields;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Knot in memory: records every session, extension and card it is sent; signs webhooks with
 * {@link #SECRET}; can be told to fail the next call.
 */
public final class FakeKnotGateway implements KnotGateway {

    public static final String SECRET = "fake-knot-secret";
    /** A JWK shaped as Knot's, which only the card platform reads. */
    public static final String JWK = "{\"kty\":\"RSA\",\"n\":\"fake\",\"e\":\"AQAB\",\"alg\":\"RSA-OAEP-256\"}";

    public record SessionRequest(String externalUserId, String cardId, String processorToken) {
    }

    public record CardSent(String taskId, String jwe) {
    }

    public final List<SessionRequest> requests = new ArrayList<>();
    public final List<String> extended = new ArrayList<>();
    public final List<CardSent> cards = new ArrayList<>();
    private KnotFailure nextFailure;

    public void failNext(KnotFailure failure) {
        nextFailure = failure;
    }

    private void maybeFail() {
        if (nextFailure != null) {
            KnotFailure failure = nextFailure;
            nextFailure = null;
            throw failure;
        }
    }

    @Override
    public String createCardSwitcherSession(String externalUserId, String cardId, String processorToken) {
        requests.add(new SessionRequest(externalUserId, cardId, processorToken));
        maybeFail();
        return UUID.randomUUID().toString();
    }

    @Override
    public void extendSession(String session) {
        maybeFail();
        extended.add(session);
    }

    @Override
    public String cardEncryptionKey() {
        maybeFail();
        return JWK;
    }

    @Override
    public void switchCard(String taskId, String jwe) {
        maybeFail();
        cards.add(new CardSent(taskId, jwe));
    }

    @Override
    public boolean signedByKnot(SignedFields fields, String signature) {
        return KnotWebhookSignature.sign(fields, SECRET).equals(signature);
    }

    @Override
    public KnotEnvironment environment() {
        return KnotEnvironment.DEVELOPMENT;
    }
}
