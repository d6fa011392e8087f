package dev.plaidknot.startup.standin;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A throwaway HTTP/1.1 responder on 127.0.0.1 that stands in for Plaid, Knot and the AWS APIs
 * while priming, so every client runs its real code (serialization, request signing, the HTTP
 * client, response parsing) and nothing leaves the machine: nothing anywhere can change. It reads
 * only what the clients send (one request per line of headers, a content length), not HTTP at large.
 */
public final class LoopbackUpstreams implements AutoCloseable {

    /** One request as the stand-in saw it. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    /** A status, a JSON body, and any headers beyond the content type and length. */
    public record Answer(int status, String body, Map<String, String> headers) {
        public Answer(int status, String body) {
            this(status, body, Map.of());
        }
    }

    private static final int MAX_BODY = 1 << 20;

    private final ServerSocket socket;
    private final Function<Request, Answer> answers;
    private final Thread acceptor;

    public LoopbackUpstreams(Function<Request, Answer> answers) throws IOException {
        this.answers = answers;
        this.socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("priming-loopback").start(this::accept);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread.ofPlatform().daemon().name("priming-connection").start(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Answers requests on one connection until the client closes it (clients keep connections alive). */
    private void serve(Socket connection) {
        try (connection; InputStream in = new BufferedInputStream(connection.getInputStream());
             OutputStream out = connection.getOutputStream()) {
            connection.setTcpNoDelay(true);
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new HashMap<>();
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    int colon = header.indexOf(':');
                    if (colon > 0) {
                        headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                                header.substring(colon + 1).strip());
                    }
                }
                int length = Math.min(MAX_BODY, Integer.parseInt(headers.getOrDefault("content-length", "0")));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                String[] parts = requestLine.split(" ");
                String path = parts.length > 1 ? URI.create(parts[1]).getPath() : "/";
                Answer answer = answers.apply(new Request(parts[0], path, headers, body));
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                // Head and body in one write: two small writes wait out the client's delayed ACK.
                StringBuilder head = new StringBuilder("HTTP/1.1 ").append(answer.status())
                        .append(" Priming\r\nContent-Type: application/json\r\nContent-Length: ").append(bytes.length);
                answer.headers().forEach((name, value) -> head.append("\r\n").append(name).append(": ").append(value));
                out.write((head + "\r\n\r\n" + answer.body()).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | RuntimeException ended) {
            // The client went away or sent something this stand-in does not read: that connection is done.
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        acceptor.interrupt();
    }
}
