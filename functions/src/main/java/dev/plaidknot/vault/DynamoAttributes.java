package dev.plaidknot.vault;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The attribute values the DynamoDB adapters write and read, in one place for all of them. */
final class DynamoAttributes {

    private DynamoAttributes() {
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** A string attribute of a record, or null when the record or the attribute is absent. */
    static String text(Map<String, AttributeValue> record, String name) {
        AttributeValue value = record == null ? null : record.get(name);
        return value == null ? null : value.s();
    }
}
