package dev.plaidknot.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Typed reads of a request body's fields, each failing with a 400 that names the field and what
 * it should be, never its value.
 */
public final class RequestFields {

    /** Plaid's item and account ids: letters and digits (plus - and _ for our own test ids). */
    public static final Pattern PLAID_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final JsonObject body;
    private final String where;

    private RequestFields(JsonObject body, String where) {
        this.body = body;
        this.where = where;
    }

    public static RequestFields of(JsonObject body) {
        return new RequestFields(body, "");
    }

    /** The fields of a nested object, for messages such as {@code accounts[2].id}. */
    public static RequestFields nested(JsonObject body, String where) {
        return new RequestFields(body, where + ".");
    }

    public String requiredString(String field, Pattern format, String formatDescription) {
        return optionalString(field, format, formatDescription)
                .orElseThrow(() -> ApiError.badRequest(where + field + " is required"));
    }

    public Optional<String> optionalString(String field, Pattern format, String formatDescription) {
        JsonElement value = body.get(field);
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw ApiError.badRequest(where + field + " must be a string");
        }
        String text = value.getAsString();
        if (!isWellFormed(text) || !format.matcher(text).matches()) {
            throw ApiError.badRequest(where + field + " must be " + formatDescription);
        }
        return Optional.of(text);
    }

    /**
     * False for text with a lone UTF-16 surrogate: JSON's \\u escapes allow one, but it is no
     * character, and stores (DynamoDB among them) refuse it with a server-side error.
     */
    public static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    public Optional<JsonArray> optionalArray(String field) {
        JsonElement value = body.get(field);
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        if (!value.isJsonArray()) {
            throw ApiError.badRequest(where + field + " must be an array");
        }
        return Optional.of(value.getAsJsonArray());
    }

    public Optional<JsonObject> optionalObject(String field) {
        JsonElement value = body.get(field);
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        if (!value.isJsonObject()) {
            throw ApiError.badRequest(where + field + " must be an object");
        }
        return Optional.of(value.getAsJsonObject());
    }

    public void rejectAnyField(String why) {
        if (!body.isEmpty()) {
            throw ApiError.badRequest(why);
        }
    }

    /** Refuses fields this route does not know, rather than silently ignoring them. */
    public void rejectFieldsOtherThan(Set<String> known) {
        for (String name : body.keySet()) {
            if (!known.contains(name)) {
                throw ApiError.badRequest(where + "fields other than " + new TreeSet<>(known) + " are not accepted");
            }
        }
    }
}
