package dev.plaidknot.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Lambda's Runtime API on 127.0.0.1: the runtime interface client asks it for the next event
 * (the first ask ends init) and posts each response (the first ends the first invoke), exactly as
 * it does in Lambda; a sequence of events keeps one runtime warm. The benchmark times those moments; the runtime-contract
 * test reads what the runtime serialized.
 */
public final class RuntimeApiDouble implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);

    private volatile IntFunction<byte[]> eventAt = index -> new byte[0];
    private volatile int eventCount;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private volatile long firstNextNanos;
    private volatile long responseNanos;
    private volatile int responseStatus;
    private volatile CountDownLatch answered;
    private volatile String errorBody;
    private volatile String responseBody;

    public RuntimeApiDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Arms one invocation of this event. */
    public void arm(byte[] nextEvent) {
        arm(1, index -> nextEvent);
    }

    /**
     * Arms {@code count} invocations, served one after another to the same runtime (a warm
     * environment); each event is made when the runtime asks for it, so an event that goes stale
     * (a signed webhook) is fresh when served.
     */
    public void arm(int count, IntFunction<byte[]> eventAt) {
        this.eventAt = eventAt;
        this.eventCount = count;
        nextIndex.set(0);
        statuses.clear();
        responseBody = null;
        errorBody = null;
        firstNextNanos = 0;
        responseNanos = 0;
        responseStatus = 0;
        answered = new CountDownLatch(count);
    }

    /** Waits until {@code count} of the armed invocations are answered; false if the time ran out first. */
    public boolean awaitAnswered(int count, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (statuses) {
            while (statuses.size() < count && errorBody == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(statuses, left);
            }
        }
        return errorBody == null;
    }

    /** Waits until every armed invocation is answered (or the runtime reported an error). */
    public boolean awaitAnswer(long seconds) throws InterruptedException {
        return answered.await(seconds, TimeUnit.SECONDS);
    }

    public long firstNextNanos() {
        return firstNextNanos;
    }

    public long responseNanos() {
        return responseNanos;
    }

    public int responseStatus() {
        return responseStatus;
    }

    /** The status codes of the armed invocations answered so far, in order. */
    public List<Integer> statuses() {
        return List.copyOf(statuses);
    }

    public String errorBody() {
        return errorBody;
    }

    /** The response exactly as the runtime serialized and posted it; null after an error. */
    public String responseBody() {
        return errorBody != null ? null : responseBody;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.endsWith("/invocation/next")) {
                int index = nextIndex.getAndIncrement();
                if (index >= eventCount) {
                    // The runtime asks for one more event than armed: there is none, so it waits until we stop it.
                    closing.await(60, TimeUnit.SECONDS);
                    return;
                }
                byte[] event;
                try {
                    event = eventAt.apply(index);
                } catch (RuntimeException e) {
                    // The event could not be made (its preparation failed): end the wait now, not at its timeout.
                    errorBody = "event " + index + " could not be prepared: " + e;
                    exchange.sendResponseHeaders(500, -1);
                    while (answered.getCount() > 0) {
                        answered.countDown();
                    }
                    return;
                }
                if (index == 0) {
                    firstNextNanos = System.nanoTime();
                }
                exchange.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", UUID.randomUUID().toString());
                exchange.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms",
                        Long.toString(System.currentTimeMillis() + 29_000));
                exchange.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:123456789012:function:bench");
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, event.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(event);
                }
                return;
            }
            if (path.endsWith("/response") || path.endsWith("/error")) {
                String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
                int at = text.indexOf("\"statusCode\":");
                int status = path.endsWith("/error") || at < 0 ? -1
                        : Integer.parseInt(text.substring(at + 13).replaceAll("^\\s*(\\d+).*", "$1").trim());
                if (statuses.isEmpty()) {
                    responseNanos = System.nanoTime();
                    responseBody = text;
                    responseStatus = status;
                }
                synchronized (statuses) {
                    statuses.add(status);
                    statuses.notifyAll();
                }
                exchange.sendResponseHeaders(202, -1);
                if (path.endsWith("/error")) {
                    errorBody = text;
                    synchronized (statuses) {
                        statuses.notifyAll();
                    }
                    while (answered.getCount() > 0) {
                        answered.countDown();
                    }
                } else {
                    answered.countDown();
                }
                return;
            }
            exchange.sendResponseHeaders(202, -1);
            if (path.contains("/init/error")) {
                errorBody = new String(body);
                responseStatus = -2;
                while (answered.getCount() > 0) {
                    answered.countDown();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
