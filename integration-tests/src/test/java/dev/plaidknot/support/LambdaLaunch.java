package dev.plaidknot.support;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How Lambda's java25 runtime starts a function: the runtime interface client's AWSLambda entry
 * point with the handler as its argument, Lambda's JVM flags, the runtime's own jars ahead of the
 * task root, and the environment Lambda sets. Shared by the runtime-contract test and the benchmark.
 */
public final class LambdaLaunch {

    /**
     * Not a flag Lambda passes: the memory Lambda's JVM sees, a 1024 MB environment (template.yaml's
     * MemorySize), where this machine would show the JVM its whole RAM. The JVM sizes its first
     * heap from it: 16 MB with a 5 MB young generation in a 1 GB environment, 378 MB and 126 MB on
     * a 24 GiB machine, where a cold start never collects and pays a page fault for each fresh page
     * of heap it touches instead.
     */
    static final String MEMORY = "-XX:MaxRAM=1024m";
    /**
     * The flags Lambda's java25 runtime starts the JVM with, for a 1024 MB function, on demand (no
     * SnapStart), and the environment's memory ({@link #MEMORY}).
     */
    public static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto", "-XX:MaxHeapSize=870m", "-Djava.net.preferIPv4Stack=true",
            MEMORY);
    /**
     * The same with SnapStart on, as template.yaml deploys every function: from java25, Lambda
     * leaves tiered compilation at the JVM's default there (C2 included), since JIT work then
     * happens before the snapshot and outside the invocation path. So a restored environment,
     * and every warm one behind the {@code live} alias, runs with these.
     */
    public static final List<String> SNAPSTART_JVM_FLAGS = JVM_FLAGS.stream()
            .filter(flag -> !flag.startsWith("-XX:TieredStopAtLevel") && !flag.equals("-XX:+TieredCompilation"))
            .toList();
    public static final String ENTRY_POINT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** The runtime interface client and what it brings; Lambda keeps them outside the task root. */
    private static final List<String> RUNTIME_ARTIFACTS = List.of("aws-lambda-java-runtime-interface-client-",
            "aws-lambda-java-serialization-", "aws-lambda-java-core-", "utils-lite-");

    private LambdaLaunch() {
    }

    /** The runtime's jars, picked from this test JVM's class path. */
    public static String runtimeClasspath() {
        List<String> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> RUNTIME_ARTIFACTS.stream().anyMatch(name -> Path.of(entry).getFileName().toString()
                        .startsWith(name)))
                .toList();
        if (entries.size() != RUNTIME_ARTIFACTS.size()) {
            throw new IllegalStateException("expected the runtime interface client's jars on the test class path, found "
                    + entries);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** What Lambda sets for a function, pointed at this rig, the runtime API double and the emulator. */
    public static Map<String, String> environment(TestRig rig, RuntimeApiDouble runtime, Path taskRoot, String handler) {
        // An environment started for a request (what the cold starts measure).
        Map<String, String> env = functionEnvironment(rig, handler, "on-demand");
        env.put("AWS_LAMBDA_RUNTIME_API", runtime.address());
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        return env;
    }

    /**
     * What Lambda sets for a function whatever runs it, pointed at this rig and the emulator:
     * without the runtime API and the task root, for a JVM that serves no runtime (the primed
     * harness). {@code initializationType} as Lambda's {@code AWS_LAMBDA_INITIALIZATION_TYPE}:
     * "on-demand", "provisioned-concurrency" or "snap-start".
     */
    public static Map<String, String> functionEnvironment(TestRig rig, String handler, String initializationType) {
        Map<String, String> env = new HashMap<>(rig.environment());
        env.put("_HANDLER", handler);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", initializationType);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "local");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/local");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        env.put("AWS_REGION", "us-east-1");
        // The card platform is a Lambda function: the SDK's per-service endpoint sends its invokes to the rig's stand-in.
        env.put("AWS_ENDPOINT_URL_LAMBDA", rig.lambda.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_ENDPOINT_URL", rig.aws.endpoint().toString());
        env.put("LOG_LEVEL", "WARN");
        return env;
    }

    /** The task root sam build makes from functions/: its classes, then its runtime jars. */
    public static String taskClasspath(Path functionsTarget) {
        try {
            String jars = java.nio.file.Files.readString(functionsTarget.resolve("runtime-classpath.txt")).strip();
            return functionsTarget.resolve("classes") + File.pathSeparator + jars;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("functions/target/runtime-classpath.txt is missing: build functions first"
                    + " (mvn verify from the top builds it)", e);
        }
    }
}
