package dev.plaidknot.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaidknot.startup.ExecutionEnvironment;
import dev.plaidknot.startup.SnapStartHooks;
import dev.plaidknot.testing.LambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM: builds the handler as Lambda's init does, runs the SnapStart hooks as
 * SnapStart does (before the checkpoint, then after the restore), then times the first
 * invocation, which is what a restored snapshot serves first: from the event's bytes to the
 * answer's, through the entry Lambda's runtime calls. The hooks' own time is printed too:
 * Lambda counts it in the snapshot and the restore, not in the invocation; and the classes the
 * first invocation still loaded, which says what priming missed. {@code -Dprimed.repeats=N}
 * serves the event N times and prints each further time (how far the first is from the next).
 */
public final class PrimedFirstInvoke {

    public static void main(String[] args) throws Exception {
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getConstructor().newInstance();
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        // This harness's own classes (the class-count bean, the answer's JSON reading, the context)
        // load here, before the snapshot, as the runtime's own do: loaded after the restore, right
        // before the measured invocation, some 500 of them had thrown compiled code of the request
        // path back to the interpreter (okio's segment pool among it: class-hierarchy dependencies).
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        ObjectMapper json = new ObjectMapper();
        json.readTree("{\"statusCode\":200}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).path("statusCode").asInt();
        new LambdaContext();
        SnapStartHooks hooks = ExecutionEnvironment.snapStartHooks();
        long priming = System.nanoTime();
        hooks.beforeCheckpoint(null);
        System.err.println("PRIMING_US " + (System.nanoTime() - priming) / 1_000);
        long restoring = System.nanoTime();
        hooks.afterRestore(null);
        System.err.println("RESTORE_HOOK_US " + (System.nanoTime() - restoring) / 1_000);
        int repeats = Integer.getInteger("primed.repeats", 1);
        for (int i = 0; i < repeats; i++) {
            long loadedBefore = classes.getTotalLoadedClassCount();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            long started = System.nanoTime();
            handler.handleRequest(new ByteArrayInputStream(event), answer, new LambdaContext());
            long micros = (System.nanoTime() - started) / 1_000;
            long loaded = classes.getTotalLoadedClassCount() - loadedBefore;
            int status = json.readTree(answer.toByteArray()).path("statusCode").asInt();
            System.err.println((i == 0 ? "PRIMED_FIRST_INVOKE_US " : "NEXT_INVOKE_US ") + micros
                    + " STATUS " + status + " CLASSES " + loaded);
        }
    }
}
