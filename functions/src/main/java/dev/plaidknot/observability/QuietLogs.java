package dev.plaidknot.observability;

import java.util.function.Supplier;

/**
 * Keeps INFO and below, and metric documents, off the log while work that is not a request runs
 * on this thread (the SnapStart priming walk), so its calls never read as real Plaid calls in the
 * logs or count in the metrics. WARN and ERROR still pass: a broken priming step must be seen.
 */
public final class QuietLogs {

    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);

    private QuietLogs() {
    }

    public static <T> T during(Supplier<T> work) {
        boolean before = QUIET.get();
        QUIET.set(true);
        try {
            return work.get();
        } finally {
            QUIET.set(before);
        }
    }

    static boolean active() {
        return QUIET.get();
    }
}
