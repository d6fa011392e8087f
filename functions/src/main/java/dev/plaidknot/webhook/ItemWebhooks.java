package dev.plaidknot.webhook;

import com.google.gson.JsonObject;
import dev.plaidknot.api.Json;
import dev.plaidknot.api.RequestFields;
import dev.plaidknot.vault.TokenVault.StatusEvent;
import dev.plaidknot.vault.TokenVault;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a verified Plaid webhook means for the stored items. Only {@code ITEM} webhooks change
 * anything; every other webhook is acknowledged and logged by type and code, never by body.
 * Plaid must always get a 2xx for a verified webhook, or it retries it for days.
 */
public final class ItemWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(ItemWebhooks.class);
    private static final Pattern CODE = Pattern.compile("[A-Z0-9_]{1,64}");

    /** What became of a webhook, for the response and the log line. */
    public enum Outcome { APPLIED, ALREADY_APPLIED, UNKNOWN_ITEM, ACKNOWLEDGED }

    private final TokenVault vault;

    public ItemWebhooks(TokenVault vault) {
        this.vault = vault;
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
            LOG.atInfo().addKeyValue("webhook_code", code).addKeyValue("item_id", itemId).log("webhook for an unknown item");
            return Outcome.UNKNOWN_ITEM;
        }
        StatusEvent event = new StatusEvent(change.get().status(), change.get().reason(), webhook.issuedAt(),
                webhook.deliveryId());
        boolean applied = change.get().accountId() == null
                ? vault.applyItemStatus(owner.get(), itemId, event)
                : vault.applyAccountStatus(owner.get(), itemId, change.get().accountId(), event);
        LOG.atInfo().addKeyValue("webhook_code", code).addKeyValue("item_id", itemId)
                .addKeyValue("item_status", event.status()).addKeyValue("applied", applied).log("item webhook");
        return applied ? Outcome.APPLIED : Outcome.ALREADY_APPLIED;
    }

    private record Change(String status, String reason, String accountId) {
    }

    private static Optional<Change> change(String code, JsonObject body) {
        if (code == null) {
            return Optional.empty();
        }
        return switch (code) {
            case "ERROR" -> "ITEM_LOGIN_REQUIRED".equals(code(Json.object(body, "error"), "error_code"))
                    ? Optional.of(new Change("needs_user", "ITEM_LOGIN_REQUIRED", null))
                    : Optional.empty();
            case "PENDING_EXPIRATION", "PENDING_DISCONNECT" -> Optional.of(new Change("needs_user", code, null));
            case "USER_PERMISSION_REVOKED" -> Optional.of(new Change("revoked", code, null));
            // Plaid names the one account the user withdrew; the rest of the item still works.
            case "USER_ACCOUNT_REVOKED" -> Optional.ofNullable(id(body, "account_id"))
                    .map(accountId -> new Change("revoked", code, accountId));
            case "LOGIN_REPAIRED" -> Optional.of(new Change("healthy", null, null));
            default -> Optional.empty();
        };
    }

    private static String code(JsonObject node, String field) {
        return Json.text(node, field).filter(value -> CODE.matcher(value).matches()).orElse(null);
    }

    private static String id(JsonObject node, String field) {
        return Json.text(node, field).filter(value -> RequestFields.PLAID_ID.matcher(value).matches()).orElse(null);
    }
}
