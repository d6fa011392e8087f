package dev.plaidknot.testing;

import dev.plaidknot.knot.KnotEnvironment;
import dev.plaidknot.knot.KnotFailure;
import dev.plaidknot.knot.KnotGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Knot in memory: records every session request; can be told to fail the next one. */
public final class FakeKnotGateway implements KnotGateway {

    public record SessionRequest(String externalUserId, String cardId, String processorToken) {
    }

    public final List<SessionRequest> requests = new ArrayList<>();
    private KnotFailure nextFailure;

    public void failNext(KnotFailure failure) {
        nextFailure = failure;
    }

    @Override
    public String createCardSwitcherSession(String externalUserId, String cardId, String processorToken) {
        requests.add(new SessionRequest(externalUserId, cardId, processorToken));
        if (nextFailure != null) {
            KnotFailure failure = nextFailure;
            nextFailure = null;
            throw failure;
        }
        return UUID.randomUUID().toString();
    }

    @Override
    public KnotEnvironment environment() {
        return KnotEnvironment.DEVELOPMENT;
    }
}
