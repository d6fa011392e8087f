package dev.plaidknot.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The slice of Plaid's OpenAPI description (2020-09-14) that the simulator enforces for one
 * request object: which fields exist, which are required, and of what type. Plaid rejects
 * unknown fields (UNKNOWN_FIELDS), missing ones (MISSING_FIELDS) and wrong types (INVALID_FIELD).
 */
final class Schema {

    enum Type { STRING, BOOLEAN, STRING_ARRAY, OBJECT }

    private record Field(Type type, boolean required, Schema nested) {
    }

    private final Map<String, Field> fields = new LinkedHashMap<>();

    static Schema object() {
        // Every request may carry the keys in the body instead of the headers.
        return new Schema().optional("client_id", Type.STRING).optional("secret", Type.STRING);
    }

    static Schema nestedObject() {
        return new Schema();
    }

    Schema required(String name, Type type) {
        fields.put(name, new Field(type, true, null));
        return this;
    }

    Schema optional(String name, Type type) {
        fields.put(name, new Field(type, false, null));
        return this;
    }

    Schema required(String name, Schema nested) {
        fields.put(name, new Field(Type.OBJECT, true, nested));
        return this;
    }

    Schema optional(String name, Schema nested) {
        fields.put(name, new Field(Type.OBJECT, false, nested));
        return this;
    }

    void check(JsonNode body, String prefix) {
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.containsKey(name)) {
                throw PlaidError.invalidRequest("UNKNOWN_FIELDS",
                        "the following fields are not recognized by this endpoint: " + prefix + name).asException();
            }
        }
        for (var entry : fields.entrySet()) {
            String name = entry.getKey();
            Field field = entry.getValue();
            JsonNode value = body.get(name);
            if (value == null || value.isNull()) {
                if (field.required()) {
                    throw PlaidError.invalidRequest("MISSING_FIELDS",
                            "the following required fields are missing: " + prefix + name).asException();
                }
                continue;
            }
            boolean ok = switch (field.type()) {
                case STRING -> value.isTextual();
                case BOOLEAN -> value.isBoolean();
                case STRING_ARRAY -> value.isArray() && allTextual(value);
                case OBJECT -> value.isObject();
            };
            if (!ok) {
                throw PlaidError.invalidRequest("INVALID_FIELD",
                        prefix + name + " must be of type " + field.type().name().toLowerCase()).asException();
            }
            if (field.nested() != null) {
                field.nested().check(value, prefix + name + ".");
            }
        }
    }

    private static boolean allTextual(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }

    static void requireOneOf(String field, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw PlaidError.invalidRequest("INVALID_FIELD", field + " must be one of " + List.copyOf(allowed))
                    .asException();
        }
    }
}
