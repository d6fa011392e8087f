package dev.plaidknot.startup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import dev.plaidknot.Wiring;
import dev.plaidknot.config.Settings;
import dev.plaidknot.handler.CreateLinkTokenHandler;
import dev.plaidknot.handler.SandboxPublicTokenHandler;
import dev.plaidknot.startup.standin.LoopbackUpstreams;
import dev.plaidknot.startup.standin.PrimingAnswers;
import dev.plaidknot.vault.DynamoTokenVault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The priming walk against the loopback stand-in: every step ends as a real request would, quietly. */
class PrimingWalkTest {

    /** A wiring whose every upstream is unreachable: priming must not need any of them. */
    private static Wiring unreachable() {
        return unreachable(Map.of());
    }

    private static Wiring unreachable(Map<String, String> env) {
        return new Wiring(new Settings(env), () -> {
            throw new AssertionError("priming built a Secrets Manager client");
        }, () -> {
            throw new AssertionError("priming built a DynamoDB client");
        }, () -> {
            throw new AssertionError("priming built a KMS client");
        }, () -> {
            throw new AssertionError("priming built a Lambda client");
        });
    }

    @Test
    void every_step_of_the_walk_ends_as_expected() {
        PrimingWalk.PrimingReport report = new PrimingWalk(unreachable()).prime();

        assertThat(report.unexpected()).isEmpty();
        assertThat(report.steps()).isEqualTo(14);
    }

    @Test
    void the_functions_own_route_is_walked_again_and_no_other() {
        String handler = CreateLinkTokenHandler.class.getName() + "::handleRequest";

        PrimingWalk.PrimingReport report = new PrimingWalk(unreachable(), handler).prime();

        assertThat(report.unexpected()).isEmpty();
        // the link token's two steps (a new item, update mode) once more per repeat; the repeats
        // stop at their count or their time budget, whichever comes first (the first always runs)
        int repeatedSteps = report.steps() - 14;
        assertThat(repeatedSteps).isPositive().isEven().isLessThanOrEqualTo(2 * PrimingWalk.OWN_ROUTE_REPEATS);
    }

    @Test
    void a_handler_priming_does_not_know_gets_the_walk_once() {
        PrimingWalk.PrimingReport report = new PrimingWalk(unreachable(), "example.Other::handleRequest").prime();

        assertThat(report.unexpected()).isEmpty();
        assertThat(report.steps()).isEqualTo(14);
    }

    @Test
    void the_walk_fetches_each_key_through_a_secrets_manager_client_from_the_stand_in() {
        List<String> fetched = new CopyOnWriteArrayList<>();

        PrimingWalk.PrimingReport report = PrimingWalk.walkRoutes(unreachable(), "", request -> {
            if (request.header("x-amz-target").equals("secretsmanager.GetSecretValue")) {
                fetched.add(request.body());
            }
            return PrimingAnswers.answer(request);
        });

        // so the restore hook's fetch, the one AWS call a restore makes, runs on loaded and linked code
        assertThat(report.unexpected()).isEmpty();
        assertThat(fetched).anyMatch(body -> body.contains("priming-plaid")).anyMatch(body -> body.contains("priming-knot"));
    }

    @Test
    void the_walk_finds_the_priming_item_where_a_cardholders_linked_item_would_be() {
        List<LoopbackUpstreams.Request> asked = new CopyOnWriteArrayList<>();

        PrimingWalk.PrimingReport report = PrimingWalk.walkRoutes(unreachable(), "", request -> {
            asked.add(request);
            return PrimingAnswers.answer(request);
        });

        // An empty table had ended each of these early: no item listed, no token for Knot, a
        // webhook for an item nobody owns, a removal with no accounts to remove.
        String account = DynamoTokenVault.accountKey(PrimingAnswers.ITEM_ID, PrimingAnswers.ACCOUNT_ID);
        assertThat(report.unexpected()).isEmpty();
        assertThat(asked).anyMatch(r -> r.header("x-amz-target").endsWith("GetItem")
                && r.body().contains("processor_token_ciphertext") && r.body().contains(account));
        assertThat(asked).anyMatch(r -> r.path().equals("/session/create") && r.body().contains("processor_token"));
        assertThat(asked).anyMatch(r -> r.header("x-amz-target").endsWith("UpdateItem")
                && r.body().contains("status_event_at") && r.body().contains(DynamoTokenVault.itemKey(PrimingAnswers.ITEM_ID)));
        assertThat(asked).anyMatch(r -> r.header("x-amz-target").endsWith("TransactWriteItems")
                && r.body().contains(account) && r.body().contains(DynamoTokenVault.itemKey(PrimingAnswers.ITEM_ID) + "\""));
    }

    @Test
    void the_walk_sends_plaid_what_this_function_sends() {
        List<LoopbackUpstreams.Request> asked = new CopyOnWriteArrayList<>();
        Wiring function = unreachable(Map.of("PLAID_WEBHOOK_URL", "https://api.example/webhooks/plaid",
                "PLAID_PRODUCTS", "auth,transactions", "PLAID_COUNTRY_CODES", "US,CA", "PLAID_LANGUAGE", "fr"));

        PrimingWalk.PrimingReport report = PrimingWalk.walkRoutes(function, "", request -> {
            asked.add(request);
            return PrimingAnswers.answer(request);
        });

        // A webhook URL adds a field (in the sandbox route, a nested object) that the walk would
        // otherwise never have serialized before the snapshot.
        assertThat(report.unexpected()).isEmpty();
        assertThat(asked).filteredOn(r -> r.path().equals("/link/token/create")).isNotEmpty().allMatch(r ->
                r.body().contains("https://api.example/webhooks/plaid") && r.body().contains("\"CA\"")
                        && r.body().contains("\"fr\""))
                // a new item's link token names the products; update mode's takes none
                .anyMatch(r -> r.body().contains("\"auth\""));
        assertThat(asked).filteredOn(r -> r.path().equals("/sandbox/public_token/create")).isNotEmpty()
                .allMatch(r -> r.body().contains("https://api.example/webhooks/plaid") && r.body().contains("\"auth\""));
    }

    @Test
    void a_function_misconfigured_for_plaid_has_its_walk_reported_not_thrown() {
        Wiring function = unreachable(Map.of("PLAID_PRODUCTS", "teleport"));

        PrimingWalk.PrimingReport report = new PrimingWalk(function, "").prime();

        // its link tokens fail as its cardholders' requests will: a 500 naming the setting
        assertThat(report.unexpected()).contains("link token: 500").doesNotContain("exchange: 500");
    }

    @Test
    void the_stand_ins_link_token_expiry_is_parsed_as_a_real_one_is() {
        String answer = PrimingAnswers.answer(new LoopbackUpstreams.Request("POST", "/link/token/create", Map.of(), "{}")).body();

        OffsetDateTime expiry = OffsetDateTime.parse(JsonParser.parseString(answer).getAsJsonObject().get("expiration").getAsString());
        // A date in January or February skips the leap-year step of turning it into an instant, and
        // a midnight one the time fields: a real expiry (four hours ahead) takes both, so priming must.
        assertThat(expiry.getMonthValue()).isGreaterThan(2);
        assertThat(expiry.toLocalTime()).isNotEqualTo(LocalTime.MIDNIGHT);
    }

    @Test
    void the_walked_webhook_is_signed_with_the_header_fields_a_real_one_carries() throws Exception {
        JWSHeader header = SignedJWT.parse(PrimingAnswers.signedWebhook("{}".getBytes(StandardCharsets.UTF_8))).getHeader();

        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(header.getKeyID()).isNotBlank();
        assertThat(header.getType()).isEqualTo(JOSEObjectType.JWT);
    }

    @Test
    void the_walk_writes_no_info_lines_that_could_read_as_real_calls() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // with repeats: the discarded lines are built on every one of them
            new PrimingWalk(unreachable(), SandboxPublicTokenHandler.class.getName() + "::handleRequest").prime();
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("plaid call").doesNotContain("\"INFO\"")
                .doesNotContain("access-sandbox").doesNotContain("CloudWatchMetrics");
    }
}
