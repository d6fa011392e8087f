package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.Wiring;
import dev.plaidknot.local.SamTemplate.Route;
import dev.plaidknot.support.LambdaLaunch;
import dev.plaidknot.support.ProjectFiles;
import dev.plaidknot.support.RuntimeApiDouble;
import dev.plaidknot.support.SampleEvents;
import dev.plaidknot.support.WithRig;
import dev.plaidknot.testing.LambdaContext;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each sample event through Lambda's own Java runtime: a fresh JVM started at the runtime
 * interface client's AWSLambda entry point with the handler template.yaml names, on the classes
 * and jars sam build ships, against a Runtime API double on 127.0.0.1. This is what
 * {@code sam local invoke -e events/…} does inside its container: it catches an input type the
 * runtime cannot deserialize, a handler it cannot construct, and a response it serializes
 * differently from the serializer our other tests use. The package has no joda-time, which
 * Lambda's own event serializer cannot start without, so a pass also shows that the runtime
 * enters every function through its byte-stream handler (HttpApiHandler), not that serializer.
 */
class RuntimeContractTest extends WithRig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RuntimeApiDouble runtime;
    private static SampleEvents samples;
    private static Path logs;

    @BeforeAll
    static void startRuntimeApi() throws Exception {
        runtime = new RuntimeApiDouble();
        samples = new SampleEvents(rig);
        logs = Files.createDirectories(ProjectFiles.root().resolve("integration-tests/target/runtime-contract"));
    }

    @AfterAll
    static void stopRuntimeApi() {
        runtime.close();
    }

    static Stream<Path> eventFiles() {
        return SampleEvents.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    void lambdas_java_runtime_runs_the_sample_and_serializes_the_answer_as_our_tests_do(Path file) throws Exception {
        Route route = route(SampleEvents.routeKey(file));

        JsonNode fromRuntime = JSON.readTree(invokeThroughRuntime(route, samples.prepared(file), file));
        JsonNode fromTests = JSON.readTree(SampleEvents.serialize(invokeInProcess(route, samples.prepared(file))));

        assertThat(fromRuntime.path("statusCode").asInt()).as(fromRuntime.toString()).isBetween(200, 299)
                .isEqualTo(fromTests.path("statusCode").asInt());
        assertThat(fieldNames(fromRuntime)).isEqualTo(fieldNames(fromTests));
        assertThat(fieldNames(fromRuntime.path("headers"))).isEqualTo(fieldNames(fromTests.path("headers")));
        assertThat(fromRuntime.path("isBase64Encoded").asBoolean()).isFalse();
        if (fromRuntime.path("statusCode").asInt() != 204) {
            assertThat(fromRuntime.path("headers").path("Content-Type").asText()).startsWith("application/json");
            JsonNode body = JSON.readTree(fromRuntime.path("body").asText());
            assertThat(body.isObject()).isTrue();
            assertThat(fieldNames(body)).isEqualTo(fieldNames(JSON.readTree(fromTests.path("body").asText())));
        }
    }

    /** A fresh JVM as Lambda starts one; the answer exactly as the runtime posted it. */
    private static String invokeThroughRuntime(Route route, String event, Path file) throws Exception {
        return invokeThroughRuntime(route, event, file.getFileName().toString(), Map.of());
    }

    private static String invokeThroughRuntime(Route route, String event, String logName, Map<String, String> extraEnv)
            throws Exception {
        runtime.arm(event.getBytes(StandardCharsets.UTF_8));
        Path functionsTarget = ProjectFiles.root().resolve("functions/target");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LambdaLaunch.JVM_FLAGS);
        command.add("-cp");
        command.add(LambdaLaunch.runtimeClasspath() + File.pathSeparator + LambdaLaunch.taskClasspath(functionsTarget));
        command.add(LambdaLaunch.ENTRY_POINT);
        command.add(route.handler());
        Path log = logs.resolve(logName + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(LambdaLaunch.environment(rig, runtime, functionsTarget.resolve("classes"),
                route.handler()));
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        try {
            assertThat(runtime.awaitAnswer(90)).as("the runtime answered; its output is in " + log).isTrue();
        } finally {
            process.destroyForcibly().waitFor();
        }
        assertThat(runtime.errorBody()).as("the runtime reported an error; its output is in " + log).isNull();
        return runtime.responseBody();
    }

    /**
     * Lambda drops a JSON line below the function's ApplicationLogLevel, and ranks a line without
     * a {@code level} key as INFO, which every metric (EMF) line is. Run as deployed at LogLevel
     * WARN and ERROR, the metrics must still reach CloudWatch, or their alarms go quiet.
     */
    @ParameterizedTest(name = "LogLevel {0}")
    @ValueSource(strings = {"WARN", "ERROR"})
    void metrics_reach_cloudwatch_at_every_log_level(String logLevel) throws Exception {
        Route route = route("POST /create_link_token");
        Path file = ProjectFiles.events().resolve("create_link_token.json");
        String applicationLevel = applicationLogLevel(logLevel);
        invokeThroughRuntime(route, samples.prepared(file), "log-level-" + logLevel,
                Map.of("LOG_LEVEL", logLevel, "AWS_LAMBDA_LOG_LEVEL", applicationLevel));

        List<JsonNode> kept = new ArrayList<>();
        for (String line : Files.readAllLines(logs.resolve("log-level-" + logLevel + ".log"))) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode json = JSON.readTree(line);
            String level = json.path("level").asText("INFO");
            if (LAMBDA_LEVELS.indexOf(level) >= LAMBDA_LEVELS.indexOf(applicationLevel)) {
                kept.add(json);
            }
        }
        assertThat(kept).as("lines Lambda keeps at ApplicationLogLevel " + applicationLevel)
                .anySatisfy(line -> {
                    assertThat(line.has("_aws")).isTrue();
                    assertThat(line.path("LinkTokensCreated").asInt()).isEqualTo(1);
                });
        // And LogLevel still governs the functions' own lines.
        assertThat(kept).noneMatch(line -> line.path("level").asText().equals("INFO"));
    }

    private static final List<String> LAMBDA_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");

    /** The template's ApplicationLogLevel for a deployment whose LogLevel parameter is {@code logLevel}. */
    private static String applicationLogLevel(String logLevel) {
        JsonNode configured = ProjectFiles.template().root().path("Globals").path("Function").path("LoggingConfig")
                .path("ApplicationLogLevel");
        // The YAML reader drops !Ref and leaves the parameter's name.
        return configured.asText().equals("LogLevel") ? logLevel : configured.asText();
    }

    private static APIGatewayV2HTTPResponse invokeInProcess(Route route, String event) throws Exception {
        String[] parts = route.handler().split("::");
        Class<?> type = Class.forName(parts[0]);
        Object handler = type.getConstructor(Wiring.class).newInstance(rig.wiring());
        return (APIGatewayV2HTTPResponse) type.getMethod(parts[1], APIGatewayV2HTTPEvent.class, Context.class)
                .invoke(handler, SampleEvents.load(event), new LambdaContext());
    }

    private static Route route(String routeKey) {
        return ProjectFiles.template().httpRoutes().stream().filter(r -> r.routeKey().equals(routeKey)).findFirst()
                .orElseThrow(() -> new AssertionError(routeKey + " is no route of template.yaml"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.stream().sorted().toList();
    }
}
