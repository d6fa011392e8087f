package dev.plaidknot.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.plaidknot.Wiring;
import dev.plaidknot.snapstart.SnapStartPriming;
import dev.plaidknot.testing.LambdaContext;

/**
 * Runs in a fresh JVM: builds the handler as Lambda's init does, runs the SnapStart hooks as
 * SnapStart does (before the checkpoint, then after the restore), then times the first
 * invocation, which is what a restored snapshot serves first. The restore hook's own time is
 * printed too: Lambda counts it in the restore, not in the invocation.
 */
public final class PrimedFirstInvoke {

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName(args[0]);
        Object handler = type.getConstructor().newInstance();
        SnapStartPriming hooks = new SnapStartPriming(Wiring.shared());
        long priming = System.nanoTime();
        hooks.beforeCheckpoint(null);
        System.err.println("PRIMING_US " + (System.nanoTime() - priming) / 1_000);
        long restoring = System.nanoTime();
        hooks.afterRestore(null);
        System.err.println("RESTORE_HOOK_US " + (System.nanoTime() - restoring) / 1_000);
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(args[1]);
        var method = type.getMethod("handleRequest", APIGatewayV2HTTPEvent.class, Context.class);
        long started = System.nanoTime();
        APIGatewayV2HTTPResponse response = (APIGatewayV2HTTPResponse) method.invoke(handler, event, new LambdaContext());
        long micros = (System.nanoTime() - started) / 1_000;
        System.err.println("PRIMED_FIRST_INVOKE_US " + micros + " STATUS " + response.getStatusCode());
    }
}
