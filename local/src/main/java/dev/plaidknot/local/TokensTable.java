package dev.plaidknot.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/** The template's TokensTable, made in an emulator from the template's own schema: keys, indexes, TTL. */
public final class TokensTable {

    private TokensTable() {
    }

    /** Creates the table under {@code name} and waits until it is active. */
    public static void create(DynamoDbClient dynamo, SamTemplate template, String name) {
        JsonNode properties = template.resource("TokensTable").path("Properties");
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (JsonNode a : properties.path("AttributeDefinitions")) {
            attributes.add(AttributeDefinition.builder()
                    .attributeName(a.path("AttributeName").asText())
                    .attributeType(a.path("AttributeType").asText())
                    .build());
        }
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (JsonNode index : properties.path("GlobalSecondaryIndexes")) {
            JsonNode projection = index.path("Projection");
            List<String> included = new ArrayList<>();
            projection.path("NonKeyAttributes").forEach(a -> included.add(a.asText()));
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(index.path("IndexName").asText())
                    .keySchema(keySchema(index.path("KeySchema")))
                    .projection(Projection.builder()
                            .projectionType(projection.path("ProjectionType").asText())
                            .nonKeyAttributes(included.isEmpty() ? null : included)
                            .build())
                    .build());
        }
        CreateTableRequest.Builder create = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(attributes)
                .keySchema(keySchema(properties.path("KeySchema")))
                .billingMode(BillingMode.fromValue(properties.path("BillingMode").asText()));
        if (!indexes.isEmpty()) {
            create.globalSecondaryIndexes(indexes);
        }
        dynamo.createTable(create.build());
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
        JsonNode ttl = properties.path("TimeToLiveSpecification");
        if (ttl.path("Enabled").asBoolean(false)) {
            dynamo.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(TimeToLiveSpecification.builder()
                    .attributeName(ttl.path("AttributeName").asText()).enabled(true).build()));
        }
    }

    private static List<KeySchemaElement> keySchema(JsonNode schema) {
        List<KeySchemaElement> elements = new ArrayList<>();
        for (JsonNode k : schema) {
            elements.add(KeySchemaElement.builder()
                    .attributeName(k.path("AttributeName").asText())
                    .keyType(k.path("KeyType").asText())
                    .build());
        }
        return elements;
    }
}
