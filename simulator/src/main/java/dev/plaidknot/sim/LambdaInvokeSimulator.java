package dev.plaidknot.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's {@code Invoke} API on 127.0.0.1 for functions that run in this JVM: what an AWS
 * emulator without Docker cannot do. A request must be signed (SigV4) and synchronous; the
 * function's answer is the payload, and a function that throws answers as Lambda does, 200 with
 * {@code X-Amz-Function-Error: Unhandled}. Tests can make the next invocation fail, stall or
 * answer garbage.
 */
public final class LambdaInvokeSimulator implements AutoCloseable {

    private static final Pattern INVOKE = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

    /** One invocation as the function received it. */
    public record Invocation(String function, String payload) {
    }

    private sealed interface Fault {
        record FunctionError() implements Fault { }
        record Stall(Duration duration) implements Fault { }
        record Garbage(String payload) implements Fault { }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, UnaryOperator<byte[]>> functions = new ConcurrentHashMap<>();
    private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final List<Invocation> invocations = Collections.synchronizedList(new ArrayList<>());

    private LambdaInvokeSimulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static LambdaInvokeSimulator start() {
        try {
            return new LambdaInvokeSimulator();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the Lambda simulator on 127.0.0.1", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A function by name (or the last part of its ARN): payload in, payload out; throwing is a function error. */
    public void deploy(String name, UnaryOperator<byte[]> function) {
        functions.put(name, function);
    }

    /** A function as Lambda's Java runtime runs a stream handler: the payload's bytes in, the answer's out. */
    @FunctionalInterface
    public interface StreamFunction {
        void handle(java.io.InputStream payload, java.io.OutputStream answer) throws IOException;
    }

    /** A stream-handler function by name, run on the payload's bytes as Lambda's runtime would. */
    public void deployStreamHandler(String name, StreamFunction function) {
        deploy(name, payload -> {
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            try {
                function.handle(new java.io.ByteArrayInputStream(payload), answer);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return answer.toByteArray();
        });
    }

    public void failNext() {
        faults.add(new Fault.FunctionError());
    }

    public void stallNext(Duration duration) {
        faults.add(new Fault.Stall(duration));
    }

    public void answerNext(String payload) {
        faults.add(new Fault.Garbage(payload));
    }

    public List<Invocation> invocations() {
        synchronized (invocations) {
            return List.copyOf(invocations);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] payload = exchange.getRequestBody().readNBytes(6 * 1024 * 1024);
            Matcher invoke = INVOKE.matcher(exchange.getRequestURI().getRawPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !invoke.matches()) {
                send(exchange, 404, error("ResourceNotFoundException", "no such API"), null);
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=")) {
                send(exchange, 403, error("MissingAuthenticationTokenException", "request is not signed"), null);
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            if (type != null && !type.equals("RequestResponse")) {
                send(exchange, 400, error("InvalidParameterValueException", "only RequestResponse is simulated"), null);
                return;
            }
            String name = URLDecoder.decode(invoke.group(1), StandardCharsets.UTF_8);
            String shortName = name.substring(name.lastIndexOf(':') + 1);
            UnaryOperator<byte[]> function = functions.getOrDefault(name, functions.get(shortName));
            if (function == null) {
                send(exchange, 404, error("ResourceNotFoundException", "Function not found: " + name), null);
                return;
            }
            invocations.add(new Invocation(shortName, new String(payload, StandardCharsets.UTF_8)));
            Fault fault = faults.poll();
            switch (fault) {
                case Fault.FunctionError e -> {
                    send(exchange, 200, error("RuntimeException", "the card platform failed"), "Unhandled");
                    return;
                }
                case Fault.Garbage g -> {
                    send(exchange, 200, g.payload().getBytes(StandardCharsets.UTF_8), null);
                    return;
                }
                case Fault.Stall stall -> {
                    try {
                        closing.await(stall.duration().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                case null -> {
                }
            }
            byte[] answer;
            try {
                answer = function.apply(payload);
            } catch (RuntimeException e) {
                send(exchange, 200, error(e.getClass().getSimpleName(), "the function failed"), "Unhandled");
                return;
            }
            send(exchange, 200, answer, null);
        } catch (IOException clientGone) {
            // the caller gave up first
        }
    }

    private static byte[] error(String type, String message) {
        return ("{\"errorType\":\"" + type + "\",\"errorMessage\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, byte[] body, String functionError) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (functionError != null) {
            exchange.getResponseHeaders().set("X-Amz-Function-Error", functionError);
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
