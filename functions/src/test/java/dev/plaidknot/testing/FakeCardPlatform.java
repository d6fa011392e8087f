package dev.plaidknot.testing;

import dev.plaidknot.cardplatform.CardPlatform;
import dev.plaidknot.upstream.DependencyUnavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A card platform in memory: who holds which card, a made-up JWE per card; can be told to fail. */
public final class FakeCardPlatform implements CardPlatform {

    public record Asked(String action, String userId, String cardId) {
    }

    public final List<Asked> asked = new ArrayList<>();
    private final Map<String, Set<String>> holdings;
    private boolean failing;

    public FakeCardPlatform(Map<String, Set<String>> holdings) {
        this.holdings = holdings;
    }

    public void failFromNowOn() {
        failing = true;
    }

    /** The JWE this platform answers for a card. */
    public static String jweOf(String userId, String cardId) {
        return "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.key-" + userId.hashCode() + ".iv.card-" + cardId.hashCode() + ".tag";
    }

    @Override
    public boolean holdsCard(String userId, String cardId) {
        asked.add(new Asked("holds_card", userId, cardId));
        if (failing) {
            throw new DependencyUnavailable("card_platform", "FunctionError", "fake");
        }
        return holdings.getOrDefault(userId, Set.of()).contains(cardId);
    }

    @Override
    public String cardJwe(String userId, String cardId, String knotJwk) {
        asked.add(new Asked("card_jwe", userId, cardId));
        if (failing) {
            throw new DependencyUnavailable("card_platform", "FunctionError", "fake");
        }
        return jweOf(userId, cardId);
    }
}
