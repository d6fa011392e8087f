package dev.plaidknot.webhook;

import com.google.gson.JsonObject;
import dev.plaidknot.json.Json;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.vault.TokenVault.StatusEvent;
import dev.plaidknot.vault.TokenVault;
import java.time.InstantSource;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a verified Plaid webhook means for the stored items. Only {@code ITEM} webhooks change
 * anything; every other webhook is acknowledged and logged by type and code, never by body.
 * Plaid must always get a 2xx for a verified webhook, or it retries it for days.
 *
 * <p>Plaid signs each delivery, retries included, so a webhook's {@code iat} says when it was
 * sent, not when its event happened: a retried {@code ITEM_LOGIN_REQUIRED} can arrive after the
 * {@code LOGIN_REPAIRED} that followed it. So the login webhooks are signals: the item's state is
 * read from Plaid ({@code /item/get}) and applied as of now, whatever order they came in.
 */
public final class ItemWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(ItemWebhooks.class);
    private static final Pattern CODE = Pattern.compile("[A-Z0-9_]{1,64}");

    /** What became of a webhook, for the response and the log line. */
    public enum Outcome { APPLIED, ALREADY_APPLIED, UNKNOWN_ITEM, ACKNOWLEDGED }

    private final TokenVault vault;
    private final PlaidGateway plaid;
    private final InstantSource clock;

    public ItemWebhooks(TokenVault vault, PlaidGateway plaid, InstantSource clock) {
        this.vault = vault;
        this.plaid = plaid;
        this.clock = clock;
    }

    public Outcome handle(VerifiedWebhook webhook, JsonObject body) {
        String type = code(body, "webhook_type");
        String code = code(body, "webhook_code");
        String itemId = id(body, "item_id");
        if (!"ITEM".equals(type) || itemId == null) {
            LOG.atInfo().addKeyValue("webhook_type", type).addKeyValue("webhook_code", code).log("webhook acknowledged");
            return Outcome.ACKNOWLEDGED;
        }
        Optional<Change> change = change(code, body);
        if (change.isEmpty()) {
            LOG.atInfo().addKeyValue("webhook_type", type).addKeyValue("webhook_code", code).addKeyValue("item_id", itemId)
                    .addKeyValue("plaid_error_code", code(Json.object(body, "error"), "error_code")).log("webhook acknowledged");
            return Outcome.ACKNOWLEDGED;
        }
        Optional<String> owner = vault.ownerOf(itemId);
        if (owner.isEmpty()) {
            // Not ours (removed, or another deployment's): 2xx, or Plaid would retry forever.
            return unknownItem(code, itemId);
        }
        StatusEvent event;
        if (change.get().fromPlaid()) {
            Optional<String> accessToken = vault.accessToken(owner.get(), itemId);
            if (accessToken.isEmpty()) {
                return unknownItem(code, itemId); // removed since its owner was looked up
            }
            boolean loginRequired = plaid.itemErrorCode(accessToken.get()).filter(LOGIN_REQUIRED::equals).isPresent();
            // Plaid's state now: later than anything a delivery, however late, can say.
            event = new StatusEvent(loginRequired ? "needs_user" : "healthy", loginRequired ? LOGIN_REQUIRED : null,
                    Math.max(clock.instant().getEpochSecond(), webhook.issuedAt()), webhook.deliveryId());
        } else {
            event = new StatusEvent(change.get().status(), change.get().reason(), webhook.issuedAt(),
                    webhook.deliveryId());
        }
        boolean applied = change.get().accountId() == null
                ? vault.applyItemStatus(owner.get(), itemId, event)
                : vault.applyAccountStatus(owner.get(), itemId, change.get().accountId(), event);
        LOG.atInfo().addKeyValue("webhook_code", code).addKeyValue("item_id", itemId)
                .addKeyValue("item_status", event.status()).addKeyValue("applied", applied).log("item webhook");
        return applied ? Outcome.APPLIED : Outcome.ALREADY_APPLIED;
    }

    private static Outcome unknownItem(String code, String itemId) {
        LOG.atInfo().addKeyValue("webhook_code", code).addKeyValue("item_id", itemId).log("webhook for an unknown item");
        return Outcome.UNKNOWN_ITEM;
    }

    /** {@code fromPlaid}: the status comes from the item's state at Plaid, not from the webhook. */
    private record Change(String status, String reason, String accountId, boolean fromPlaid) {
        Change(String status, String reason, String accountId) {
            this(status, reason, accountId, false);
        }
    }

    private static final String LOGIN_REQUIRED = "ITEM_LOGIN_REQUIRED";

    private static Optional<Change> change(String code, JsonObject body) {
        if (code == null) {
            return Optional.empty();
        }
        return switch (code) {
            case "ERROR" -> LOGIN_REQUIRED.equals(code(Json.object(body, "error"), "error_code"))
                    ? Optional.of(new Change("needs_user", LOGIN_REQUIRED, null, true))
                    : Optional.empty();
            case "PENDING_EXPIRATION", "PENDING_DISCONNECT" -> Optional.of(new Change("needs_user", code, null));
            case "USER_PERMISSION_REVOKED" -> Optional.of(new Change("revoked", code, null));
            // Plaid names the one account the user withdrew; the rest of the item still works.
            case "USER_ACCOUNT_REVOKED" -> Optional.ofNullable(id(body, "account_id"))
                    .map(accountId -> new Change("revoked", code, accountId));
            case "LOGIN_REPAIRED" -> Optional.of(new Change("healthy", null, null, true));
            default -> Optional.empty();
        };
    }

    private static String code(JsonObject node, String field) {
        return Json.text(node, field).filter(value -> CODE.matcher(value).matches()).orElse(null);
    }

    private static String id(JsonObject node, String field) {
        return Json.text(node, field).filter(value -> PlaidGateway.ID_FORMAT.matcher(value).matches()).orElse(null);
    }
}
