package dev.plaidknot.upstream;

import dev.plaidknot.observability.QuietLogs;
import dev.plaidknot.observability.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Runs one piece of a request's work per item at the same time, on virtual threads, at most
 * {@code limit} at once: the per-account calls of an exchange wait on Plaid, KMS and DynamoDB, so
 * doing them together costs about as long as the slowest one. Each piece sees the request as its
 * own thread would: the same budget and function deadline ({@link RequestBudget}), the same
 * telemetry (its calls count in this request's line and metrics), the same log context, and
 * priming's quiet logs. Every piece is waited for, so none outlives the request's answer.
 */
public final class FanOut {

    private FanOut() {
    }

    /**
     * The result of {@code work} for each item, in the items' order. A piece that throws does not
     * stop the others; once all have ended, the first failure in the items' order is thrown.
     */
    public static <T, R> List<R> each(List<T> items, int limit, Function<T, R> work) {
        if (items.size() == 1) {
            // Nothing to overlap: the request's own thread does it.
            return List.of(work.apply(items.getFirst()));
        }
        Semaphore permits = new Semaphore(limit);
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        List<Future<R>> pieces = new ArrayList<>(items.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                Supplier<R> piece = carried(() -> withLogContext(logContext, () -> work.apply(item)));
                pieces.add(threads.submit(() -> {
                    permits.acquire();
                    try {
                        return piece.get();
                    } finally {
                        permits.release();
                    }
                }));
            }
        } // close() waits for every piece
        List<R> results = new ArrayList<>(items.size());
        Throwable first = null;
        for (Future<R> piece : pieces) {
            try {
                results.add(piece.get());
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the request's pieces");
            }
        }
        switch (first) {
            case null -> {
            }
            case RuntimeException failure -> throw failure;
            case Error error -> throw error;
            default -> throw new IllegalStateException("a concurrent piece of the request failed", first);
        }
        return results;
    }

    private static <R> Supplier<R> carried(Supplier<R> work) {
        return QuietLogs.carried(Telemetry.carried(RequestBudget.carried(work)));
    }

    private static <R> R withLogContext(Map<String, String> context, Supplier<R> work) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
        try {
            return work.get();
        } finally {
            MDC.clear();
        }
    }
}
