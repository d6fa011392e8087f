package dev.plaidknot.observability;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Keeps INFO and below, and metric documents, off the log while work that is not a request runs
 * on this thread (the SnapStart priming walk), so its calls never read as real Plaid calls in the
 * logs or count in the metrics. WARN and ERROR still pass: a broken priming step must be seen.
 * Quiet lines are still built and printed, to a stream that discards them: the walk then takes
 * the branches a logged request takes, so the code it leaves compiled in the snapshot is the code
 * the first request after a restore runs, not code the JIT must throw away when logging turns on.
 */
public final class QuietLogs {

    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);
    private static final PrintStream DISCARD =
            new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);

    private QuietLogs() {
    }

    public static <T> T during(Supplier<T> work) {
        return with(true, work);
    }

    /** {@code work}, to run on another thread, as quiet there as this thread is now. */
    public static <T> Supplier<T> carried(Supplier<T> work) {
        boolean quiet = QUIET.get();
        return () -> with(quiet, work);
    }

    private static <T> T with(boolean quiet, Supplier<T> work) {
        boolean before = QUIET.get();
        QUIET.set(quiet);
        try {
            return work.get();
        } finally {
            QUIET.set(before);
        }
    }

    /** Where a line of this thread goes: stdout, or nowhere while quiet unless {@code mustShow}. */
    static PrintStream out(boolean mustShow) {
        return mustShow || !QUIET.get() ? System.out : DISCARD;
    }
}
