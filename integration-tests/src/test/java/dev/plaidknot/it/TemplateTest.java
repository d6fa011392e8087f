package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.support.SamTemplate;
import dev.plaidknot.vault.DynamoTokenVault;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What template.yaml must keep true, read from the template itself. */
class TemplateTest {

    private static final SamTemplate TEMPLATE = SamTemplate.load();

    /** Every IAM action each function may have: growing a list is a reviewed change here. */
    private static final Map<String, Set<String>> ALLOWED_ACTIONS = Map.of(
            "CreateLinkTokenFunction", Set.of("secretsmanager:GetSecretValue"),
            "ExchangePublicTokenFunction", Set.of("secretsmanager:GetSecretValue", "dynamodb:PutItem",
                    "dynamodb:UpdateItem", "kms:Encrypt"));

    static List<String> functions() {
        return TEMPLATE.resourcesOfType("AWS::Serverless::Function");
    }

    @Test
    void functions_run_java25_on_arm64_with_snapstart_behind_an_alias() {
        for (String function : functions()) {
            assertThat(TEMPLATE.functionProperty(function, "Runtime").asText()).as(function).isEqualTo("java25");
            assertThat(TEMPLATE.functionProperty(function, "Architectures").get(0).asText()).as(function).isEqualTo("arm64");
            assertThat(TEMPLATE.functionProperty(function, "SnapStart").path("ApplyOn").asText()).as(function)
                    .isEqualTo("PublishedVersions");
            assertThat(TEMPLATE.functionProperty(function, "AutoPublishAlias").asText()).as(function).isNotBlank();
            assertThat(TEMPLATE.functionProperty(function, "CodeUri").asText()).as(function).isEqualTo("functions");
            assertThat(TEMPLATE.functionProperty(function, "Timeout").asInt()).as(function).isBetween(1, 29);
        }
    }

    @ParameterizedTest
    @MethodSource("functions")
    void handler_names_a_real_lambda_entry_point(String function) throws Exception {
        String[] handler = TEMPLATE.resource(function).path("Properties").path("Handler").asText().split("::");
        Class<?> type = Class.forName(handler[0]);

        assertThat(type.getConstructor()).isNotNull();
        assertThat(type.getMethod(handler[1], APIGatewayV2HTTPEvent.class, Context.class)).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("functions")
    void function_policy_grants_only_its_own_actions_on_named_resources(String function) {
        JsonNode policies = TEMPLATE.resource(function).path("Properties").path("Policies");
        Set<String> granted = new HashSet<>();
        for (JsonNode policy : policies) {
            assertThat(policy.has("Statement")).as("%s: only inline statements, no managed or template policies", function).isTrue();
            for (JsonNode statement : policy.path("Statement")) {
                assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
                JsonNode resource = statement.path("Resource");
                assertThat(resource.isTextual()).as("%s: one named resource per statement", function).isTrue();
                assertThat(resource.asText()).as(function).doesNotContain("*").isNotBlank();
                for (JsonNode action : statement.path("Action")) {
                    assertThat(action.asText()).as(function).doesNotContain("*");
                    granted.add(action.asText());
                }
            }
        }
        assertThat(granted).as(function).isNotEmpty().isSubsetOf(ALLOWED_ACTIONS.get(function));
    }

    @Test
    void link_token_function_cannot_reach_the_table_or_the_key() {
        JsonNode env = TEMPLATE.resource("CreateLinkTokenFunction").path("Properties").path("Environment").path("Variables");
        assertThat(env.has("TOKENS_TABLE")).isFalse();
        assertThat(env.has("TOKEN_KEY_ID")).isFalse();
        assertThat(ALLOWED_ACTIONS.get("CreateLinkTokenFunction")).noneMatch(a -> a.startsWith("dynamodb:") || a.startsWith("kms:"));
    }

    @Test
    void table_is_on_demand_recoverable_protected_and_encrypted() {
        JsonNode table = TEMPLATE.resource("TokensTable");
        JsonNode properties = table.path("Properties");
        assertThat(table.path("DeletionPolicy").asText()).isEqualTo("Retain");
        assertThat(properties.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(properties.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()).isTrue();
        assertThat(properties.path("DeletionProtectionEnabled").asBoolean()).isTrue();
        assertThat(properties.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
        assertThat(properties.path("SSESpecification").path("SSEType").asText()).isEqualTo("KMS");
        assertThat(properties.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
    }

    @Test
    void table_has_the_item_owner_index_the_code_queries() {
        JsonNode index = TEMPLATE.resource("TokensTable").path("Properties").path("GlobalSecondaryIndexes").get(0);
        assertThat(index.path("IndexName").asText()).isEqualTo(DynamoTokenVault.ITEM_OWNER_INDEX);
        assertThat(index.path("KeySchema").get(0).path("AttributeName").asText()).isEqualTo("plaid_item_id");
    }

    @Test
    void token_key_rotates_and_outlives_the_stack() {
        JsonNode key = TEMPLATE.resource("TokenKey");
        assertThat(key.path("Properties").path("EnableKeyRotation").asBoolean()).isTrue();
        assertThat(key.path("DeletionPolicy").asText()).isEqualTo("Retain");
    }

    @Test
    void every_route_is_behind_the_jwt_authorizer() {
        JsonNode auth = TEMPLATE.resource("HttpApi").path("Properties").path("Auth");
        String authorizer = auth.path("DefaultAuthorizer").asText();
        assertThat(auth.path("Authorizers").path(authorizer).has("JwtConfiguration")).isTrue();
        for (String function : functions()) {
            for (JsonNode event : TEMPLATE.resource(function).path("Properties").path("Events")) {
                assertThat(event.path("Properties").path("Auth").path("Authorizer").asText(authorizer))
                        .as(function).isEqualTo(authorizer);
            }
        }
    }
}
