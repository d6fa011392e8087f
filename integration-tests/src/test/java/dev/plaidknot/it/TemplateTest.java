package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plaidknot.support.ProjectFiles;
import dev.plaidknot.local.SamTemplate;
import dev.plaidknot.vault.DynamoTokenVault;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What template.yaml must keep true, read from the template itself. */
class TemplateTest {

    private static final SamTemplate TEMPLATE = ProjectFiles.template();

    /** Every IAM action each function may have: growing a list is a reviewed change here. */
    private static final Map<String, Set<String>> ALLOWED_ACTIONS = Map.ofEntries(
            // dynamodb:GetItem and kms:Decrypt only for update mode, which needs the item's access token
            Map.entry("CreateLinkTokenFunction", Set.of("secretsmanager:GetSecretValue", "dynamodb:GetItem", "kms:Decrypt")),
            Map.entry("ExchangePublicTokenFunction", Set.of("secretsmanager:GetSecretValue", "dynamodb:PutItem",
                    "dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:DeleteItem",
                    "kms:Encrypt", "kms:Decrypt")),
            Map.entry("ListItemsFunction", Set.of("dynamodb:Query")),
            Map.entry("DeleteItemFunction", Set.of("secretsmanager:GetSecretValue", "dynamodb:GetItem", "dynamodb:Query",
                    "dynamodb:DeleteItem", "kms:Decrypt")),
            // GetItem and kms:Decrypt (access tokens only) to read a login webhook's item state from Plaid
            Map.entry("PlaidWebhookFunction", Set.of("secretsmanager:GetSecretValue", "dynamodb:Query", "dynamodb:GetItem",
                    "dynamodb:UpdateItem", "kms:Decrypt")),
            Map.entry("SandboxPublicTokenFunction", Set.of("secretsmanager:GetSecretValue")),
            // PutItem for the session record; the card platform says whether the caller holds the card
            Map.entry("KnotSessionFunction", Set.of("secretsmanager:GetSecretValue", "dynamodb:Query", "dynamodb:GetItem",
                    "dynamodb:PutItem", "kms:Decrypt", "lambda:InvokeFunction")),
            Map.entry("KnotSessionExtendFunction", Set.of("secretsmanager:GetSecretValue", "dynamodb:GetItem",
                    "dynamodb:UpdateItem")),
            // No KMS at all: the webhook never decrypts a Plaid token
            Map.entry("KnotWebhookFunction", Set.of("secretsmanager:GetSecretValue", "lambda:InvokeFunction",
                    "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")),
            Map.entry("KnotMerchantsFunction", Set.of("dynamodb:Query")),
            // Reads the Knot secret only to refuse Knot production
            Map.entry("DevelopmentCardPlatformFunction", Set.of("secretsmanager:GetSecretValue")));

    /** The only encryption-context purposes each function may use the key for. */
    private static final Map<String, Set<String>> KEY_PURPOSES = Map.of(
            "CreateLinkTokenFunction", Set.of("plaid-access-token"),
            "ExchangePublicTokenFunction", Set.of("plaid-access-token", "knot-processor-token"),
            "DeleteItemFunction", Set.of("plaid-access-token"),
            "PlaidWebhookFunction", Set.of("plaid-access-token"),
            "KnotSessionFunction", Set.of("knot-processor-token"));

    static List<String> functions() {
        return TEMPLATE.resourcesOfType("AWS::Serverless::Function");
    }

    @Test
    void functions_run_java25_on_arm64_with_snapstart_behind_an_alias_unless_switched_off() {
        assertThat(TEMPLATE.root().path("Parameters").path("EnableSnapStart").path("Default").asText()).isEqualTo("true");
        assertThat(TEMPLATE.root().path("Conditions").path("SnapStartOn").toString())
                .contains("EnableSnapStart").contains("true");
        for (String function : functions()) {
            assertThat(TEMPLATE.functionProperty(function, "Runtime").asText()).as(function).isEqualTo("java25");
            assertThat(TEMPLATE.functionProperty(function, "Architectures").get(0).asText()).as(function).isEqualTo("arm64");
            assertThat(TEMPLATE.functionProperty(function, "SnapStart").path("ApplyOn").toString()).as(function)
                    .contains("SnapStartOn").contains("PublishedVersions").contains("None");
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
        if (TEMPLATE.resource(function).path("Properties").has("Events")) {
            assertThat(type.getMethod(handler[1], APIGatewayV2HTTPEvent.class, Context.class)).isNotNull();
        } else {
            // Invoked by the service, not by API Gateway: bytes in, bytes out.
            assertThat(type.getMethod(handler[1], java.io.InputStream.class, java.io.OutputStream.class, Context.class))
                    .isNotNull();
        }
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
                for (String resource : namedResources(statement.path("Resource"))) {
                    assertThat(resource).as(function).doesNotContain("*").isNotBlank();
                }
                for (JsonNode action : statement.path("Action")) {
                    assertThat(action.asText()).as(function).doesNotContain("*");
                    granted.add(action.asText());
                }
            }
        }
        assertThat(granted).as(function).isNotEmpty().isSubsetOf(ALLOWED_ACTIONS.get(function));
    }

    /**
     * A statement's resource: one name, or an {@code !If} (read as its condition and two branches)
     * choosing between two names; never a list of resources.
     */
    private static List<String> namedResources(JsonNode resource) {
        if (resource.isTextual()) {
            return List.of(resource.asText());
        }
        assertThat(resource.isArray() && resource.size() == 3 && TEMPLATE.root().path("Conditions")
                .has(resource.get(0).asText())).as("one named resource per statement, or an !If of two: " + resource).isTrue();
        assertThat(resource.get(1).isTextual() && resource.get(2).isTextual()).as(resource.toString()).isTrue();
        return List.of(resource.get(1).asText(), resource.get(2).asText());
    }

    @ParameterizedTest
    @MethodSource("functions")
    void key_use_is_bound_to_the_token_purposes_of_each_function(String function) {
        for (JsonNode statement : statements(function)) {
            boolean usesKey = false;
            for (JsonNode action : statement.path("Action")) {
                usesKey |= action.asText().startsWith("kms:");
            }
            if (!usesKey) {
                continue;
            }
            JsonNode purposes = statement.path("Condition").path("StringEquals").path("kms:EncryptionContext:purpose");
            Set<String> allowed = new HashSet<>();
            if (purposes.isArray()) {
                purposes.forEach(p -> allowed.add(p.asText()));
            } else {
                allowed.add(purposes.asText());
            }
            assertThat(allowed).as(function).isNotEmpty().isSubsetOf(KEY_PURPOSES.getOrDefault(function, Set.of()));
        }
    }

    @Test
    void only_functions_that_need_plaid_can_read_its_keys() {
        assertThat(actions("ListItemsFunction")).noneMatch(a -> a.startsWith("secretsmanager:") || a.startsWith("kms:"));
        assertThat(actions("SandboxPublicTokenFunction")).containsExactly("secretsmanager:GetSecretValue");
        assertThat(actions("PlaidWebhookFunction")).noneMatch(a -> a.startsWith("kms:") && !a.equals("kms:Decrypt"));
        assertThat(resources("KnotSessionFunction")).doesNotContain("PlaidSecretArn");
        assertThat(resources("CreateLinkTokenFunction")).doesNotContain("KnotSecretArn");
    }

    private static List<JsonNode> statements(String function) {
        List<JsonNode> statements = new ArrayList<>();
        for (JsonNode policy : TEMPLATE.resource(function).path("Properties").path("Policies")) {
            policy.path("Statement").forEach(statements::add);
        }
        return statements;
    }

    private static Set<String> resources(String function) {
        Set<String> resources = new HashSet<>();
        statements(function).forEach(st -> resources.add(st.path("Resource").asText()));
        return resources;
    }

    private static Set<String> actions(String function) {
        Set<String> actions = new HashSet<>();
        statements(function).forEach(st -> st.path("Action").forEach(a -> actions.add(a.asText())));
        return actions;
    }

    @Test
    void identity_defaults_to_a_user_pool_of_the_stack_or_an_issuer_given() {
        JsonNode jwt = TEMPLATE.resource("HttpApi").path("Properties").path("Auth").path("Authorizers")
                .path("JwtAuthorizer").path("JwtConfiguration");
        assertThat(TEMPLATE.root().path("Parameters").path("JwtIssuer").path("Default").asText()).isEmpty();
        assertThat(TEMPLATE.resource("UserPool").path("Condition").asText()).isEqualTo("CreateUserPool");
        assertThat(TEMPLATE.resource("UserPoolClient").path("Properties").path("GenerateSecret").asBoolean()).isFalse();
        assertThat(jwt.path("issuer").get(0).asText()).isEqualTo("CreateUserPool");
        assertThat(jwt.path("issuer").get(1).asText()).contains("cognito-idp").contains("${UserPool}");
        assertThat(jwt.path("issuer").get(2).asText()).isEqualTo("JwtIssuer");
        assertThat(jwt.path("audience").get(1).get(0).asText()).isEqualTo("UserPoolClient");
        assertThat(jwt.path("audience").get(2).asText()).isEqualTo("JwtAudience");
    }

    @Test
    void cors_allows_only_the_origins_given() {
        JsonNode cors = TEMPLATE.resource("HttpApi").path("Properties").path("CorsConfiguration");
        assertThat(cors.get(0).asText()).isEqualTo("HasCorsOrigins");
        assertThat(cors.get(1).path("AllowOrigins").asText()).isEqualTo("CorsAllowedOrigins");
        assertThat(cors.get(1).path("AllowCredentials").asBoolean(false)).isFalse();
        assertThat(cors.toString()).doesNotContain("\"*\"");
        assertThat(TEMPLATE.root().path("Parameters").path("CorsAllowedOrigins").path("Default").asText()).isEmpty();
    }

    @Test
    void every_alarm_notifies_the_topic_an_email_can_subscribe_to() {
        List<String> alarms = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm");
        assertThat(alarms).contains("FunctionErrorsAlarm", "FunctionThrottlesAlarm", "Api5xxRateAlarm",
                "PlaidErrorRateAlarm", "ProcessorTokenFailuresAlarm", "DependencyFailuresAlarm");
        for (String alarm : alarms) {
            JsonNode properties = TEMPLATE.resource(alarm).path("Properties");
            assertThat(properties.path("AlarmActions").toString()).as(alarm).contains("AlarmTopic");
            assertThat(properties.path("OKActions").toString()).as(alarm).contains("AlarmTopic");
        }
        JsonNode subscription = TEMPLATE.resource("AlarmEmailSubscription").path("Properties");
        assertThat(subscription.path("TopicArn").asText()).isEqualTo("AlarmTopic");
        assertThat(subscription.path("Endpoint").asText()).isEqualTo("AlarmEmail");
    }

    @Test
    void the_alarm_topic_key_lets_cloudwatch_publish_and_nothing_more() {
        // An AWS-managed key (alias/aws/sns) has a policy no one can change, so CloudWatch could
        // never use it: every alarm action would fail. The topic's key must be one of this stack's.
        JsonNode topic = TEMPLATE.resource("AlarmTopic").path("Properties");
        String keyId = topic.path("KmsMasterKeyId").asText();
        assertThat(keyId).doesNotStartWith("alias/aws/");
        JsonNode key = TEMPLATE.resource(keyId);
        assertThat(key.path("Type").asText()).isEqualTo("AWS::KMS::Key");
        assertThat(key.path("Properties").path("EnableKeyRotation").asBoolean()).isTrue();
        List<JsonNode> forCloudWatch = new ArrayList<>();
        for (JsonNode statement : key.path("Properties").path("KeyPolicy").path("Statement")) {
            if (statement.path("Principal").path("Service").toString().contains("cloudwatch.amazonaws.com")) {
                forCloudWatch.add(statement);
            }
        }
        assertThat(forCloudWatch).hasSize(1);
        JsonNode grant = forCloudWatch.getFirst();
        Set<String> actions = new HashSet<>();
        grant.path("Action").forEach(a -> actions.add(a.asText()));
        assertThat(actions).containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey*");
        // Only this account's alarms of this stack: no confused deputy.
        assertThat(grant.path("Condition").path("StringEquals").path("aws:SourceAccount").asText()).contains("AccountId");
        assertThat(grant.path("Condition").path("ArnLike").path("aws:SourceArn").asText())
                .contains(":cloudwatch:").contains(":alarm:${AWS::StackName}-");
    }

    @Test
    void cardholders_cannot_sign_themselves_up_unless_the_deployer_opens_it() {
        JsonNode config = TEMPLATE.resource("UserPool").path("Properties").path("AdminCreateUserConfig");
        JsonNode adminOnly = config.path("AllowAdminCreateUserOnly");
        // !If [SelfSignUpOn, false, true]: admin-created users only unless the parameter opens it.
        assertThat(adminOnly.get(0).asText()).isEqualTo("SelfSignUpOn");
        assertThat(adminOnly.get(1).asBoolean(true)).isFalse();
        assertThat(adminOnly.get(2).asBoolean(false)).isTrue();
        assertThat(TEMPLATE.root().path("Parameters").path("AllowSelfSignUp").path("Default").asText()).isEqualTo("false");
        assertThat(TEMPLATE.root().path("Conditions").path("SelfSignUpOn").toString()).contains("AllowSelfSignUp");
    }

    @Test
    void a_browser_can_read_retry_after_on_a_429() {
        JsonNode cors = TEMPLATE.resource("HttpApi").path("Properties").path("CorsConfiguration").get(1);
        List<String> exposed = new ArrayList<>();
        cors.path("ExposeHeaders").forEach(h -> exposed.add(h.asText().toLowerCase()));
        assertThat(exposed).contains("retry-after");
    }

    @Test
    void an_issuer_without_an_audience_is_refused_at_deploy_time() {
        JsonNode rules = TEMPLATE.root().path("Rules");
        List<JsonNode> aboutAudience = new ArrayList<>();
        rules.forEach(rule -> {
            if (rule.path("RuleCondition").toString().contains("JwtIssuer")
                    && rule.path("Assertions").toString().contains("JwtAudience")) {
                aboutAudience.add(rule);
            }
        });
        assertThat(aboutAudience).hasSize(1);
        assertThat(aboutAudience.getFirst().path("Assertions").get(0).path("AssertDescription").asText())
                .contains("JwtAudience").contains("JwtIssuer");
    }

    @Test
    void every_route_is_throttled_and_the_open_webhook_route_more_tightly() {
        JsonNode properties = TEMPLATE.resource("HttpApi").path("Properties");
        JsonNode defaults = properties.path("DefaultRouteSettings");
        assertThat(defaults.path("ThrottlingRateLimit").asText()).isEqualTo("ApiThrottleRateLimit");
        assertThat(defaults.path("ThrottlingBurstLimit").asText()).isEqualTo("ApiThrottleBurstLimit");
        for (String route : List.of("POST /webhooks/plaid", "POST /webhooks/knot")) {
            JsonNode webhook = properties.path("RouteSettings").path(route);
            assertThat(webhook.path("ThrottlingRateLimit").asText()).as(route).isEqualTo("WebhookThrottleRateLimit");
            assertThat(webhook.path("ThrottlingBurstLimit").asText()).as(route).isEqualTo("WebhookThrottleBurstLimit");
        }
        JsonNode parameters = TEMPLATE.root().path("Parameters");
        for (String name : List.of("ApiThrottleRateLimit", "ApiThrottleBurstLimit", "WebhookThrottleRateLimit",
                "WebhookThrottleBurstLimit")) {
            assertThat(parameters.path(name).path("Default").asInt(0)).as(name).isPositive();
        }
        assertThat(parameters.path("WebhookThrottleRateLimit").path("Default").asInt())
                .isLessThan(parameters.path("ApiThrottleRateLimit").path("Default").asInt());
    }

    @Test
    void function_alarms_cover_every_function() {
        for (String alarm : List.of("FunctionErrorsAlarm", "FunctionThrottlesAlarm")) {
            String metrics = TEMPLATE.resource(alarm).path("Properties").path("Metrics").toString();
            // The development card platform exists only in development stacks; its failures raise CardSwitchesFailedAlarm.
            for (String function : functions().stream().filter(f -> !TEMPLATE.resource(f).has("Condition")).toList()) {
                assertThat(metrics).as(alarm).contains("\"" + function + "\"");
            }
        }
    }

    @Test
    void logs_are_json_at_a_configured_level_and_tracing_is_a_switch_off_by_default() {
        JsonNode logging = TEMPLATE.root().path("Globals").path("Function").path("LoggingConfig");
        assertThat(logging.path("LogFormat").asText()).isEqualTo("JSON");
        // Lambda lets every line through; the functions apply LogLevel themselves, so metric lines
        // (which carry no level, and Lambda would rank INFO) survive a LogLevel of WARN or ERROR.
        assertThat(logging.path("ApplicationLogLevel").asText()).isEqualTo("TRACE");
        JsonNode env = TEMPLATE.root().path("Globals").path("Function").path("Environment").path("Variables");
        assertThat(env.path("LOG_LEVEL").asText()).isEqualTo("LogLevel");
        assertThat(env.path("METRICS_NAMESPACE").asText()).isEqualTo("MetricsNamespace");
        assertThat(env.path("SERVICE_NAME").asText()).isEqualTo("ServiceName");
        assertThat(TEMPLATE.root().path("Parameters").path("EnableTracing").path("Default").asText()).isEqualTo("false");
        assertThat(TEMPLATE.root().path("Globals").path("Function").path("Tracing").toString())
                .contains("TracingOn").contains("Active").contains("PassThrough");
    }

    @Test
    void the_dashboard_shows_the_funnel_and_latency_percentiles() {
        String body = TEMPLATE.resource("Dashboard").path("Properties").path("DashboardBody").toString();
        for (String metric : List.of("LinkTokensCreated", "ExchangesCompleted", "ProcessorTokensCreated",
                "KnotSessionsCreated", "p50", "p99")) {
            assertThat(body).contains(metric);
        }
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
    void table_has_the_indexes_the_code_queries() {
        Map<String, String> hashKeys = new HashMap<>();
        for (JsonNode index : TEMPLATE.resource("TokensTable").path("Properties").path("GlobalSecondaryIndexes")) {
            hashKeys.put(index.path("IndexName").asText(), index.path("KeySchema").get(0).path("AttributeName").asText());
        }
        assertThat(hashKeys).containsEntry(DynamoTokenVault.ITEM_OWNER_INDEX, "plaid_item_id")
                .containsEntry(DynamoTokenVault.ITEMS_BY_CREATION_INDEX, "items_pk");
    }

    @Test
    void token_key_rotates_and_outlives_the_stack() {
        JsonNode key = TEMPLATE.resource("TokenKey");
        assertThat(key.path("Properties").path("EnableKeyRotation").asBoolean()).isTrue();
        assertThat(key.path("DeletionPolicy").asText()).isEqualTo("Retain");
    }

    @Test
    void every_route_but_the_webhooks_is_behind_the_jwt_authorizer() {
        JsonNode auth = TEMPLATE.resource("HttpApi").path("Properties").path("Auth");
        String authorizer = auth.path("DefaultAuthorizer").asText();
        assertThat(auth.path("Authorizers").path(authorizer).has("JwtConfiguration")).isTrue();
        for (String function : functions()) {
            for (JsonNode event : TEMPLATE.resource(function).path("Properties").path("Events")) {
                String path = event.path("Properties").path("Path").asText();
                String used = event.path("Properties").path("Auth").path("Authorizer").asText(authorizer);
                assertThat(used).as(path).isEqualTo(path.startsWith("/webhooks/") ? "NONE" : authorizer);
            }
        }
    }

    @Test
    void a_failed_card_switch_raises_an_alarm_and_the_webhook_answers_within_knots_window() {
        JsonNode alarm = TEMPLATE.resource("CardSwitchesFailedAlarm").path("Properties");
        assertThat(alarm.path("MetricName").asText()).isEqualTo("CardSwitchesFailed");
        assertThat(alarm.path("AlarmActions").toString()).contains("AlarmTopic");
        // Knot waits 15 s for the card after AUTHENTICATED.
        assertThat(TEMPLATE.functionProperty("KnotWebhookFunction", "Timeout").asInt()).isLessThan(15);
        JsonNode env = TEMPLATE.resource("KnotWebhookFunction").path("Properties").path("Environment").path("Variables");
        assertThat(env.path("KNOT_WEBHOOK_SOURCE_CIDRS").asText()).isEqualTo("KnotWebhookSourceCidrs");
        assertThat(TEMPLATE.root().path("Parameters").path("KnotWebhookSourceCidrs").path("Default").asText())
                .isEqualTo("35.232.249.218/32");
    }

    @Test
    void only_the_functions_that_need_the_card_platform_may_invoke_it_and_only_it() {
        for (String function : functions()) {
            List<JsonNode> invoking = statements(function).stream()
                    .filter(st -> st.path("Action").toString().contains("lambda:InvokeFunction")).toList();
            if (Set.of("KnotSessionFunction", "KnotWebhookFunction").contains(function)) {
                assertThat(invoking).as(function).singleElement().satisfies(st -> assertThat(namedResources(st.path("Resource")))
                        .containsExactly("${DevelopmentCardPlatformFunction.Arn}:live", "CardPlatformFunctionArn"));
            } else {
                assertThat(invoking).as(function).isEmpty();
            }
        }
    }
}
