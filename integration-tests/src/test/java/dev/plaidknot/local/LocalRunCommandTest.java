package dev.plaidknot.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.support.ProjectFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a new user types it, in a copy of the repository (so its build
 * cannot disturb this one's), on a machine whose PATH has Python but no moto_server and whose
 * {@code java} may be any version: {@code ./run-local --offline} sets moto up in the project on its
 * first run and starts, and the curl walk-through, extracted from docs/testing.md itself,
 * succeeds against it.
 */
class LocalRunCommandTest {

    private static final Set<String> NOT_COPIED = Set.of(".git", "target", ".aws-sam", "node_modules", ".local-tools");

    @Test
    void readme_run_command_serves_the_readme_walk_through_offline() throws Exception {
        Path work = Files.createDirectories(ProjectFiles.root().resolve("integration-tests/target/run-local"));
        Path copy = Files.createTempDirectory(work, "repo");
        copyRepository(ProjectFiles.root(), copy);

        // The README's command; --port 0 only so the test never collides with a server already on 3000.
        assertThat(Files.readString(ProjectFiles.root().resolve("README.md"))).contains("./run-local --offline");
        ProcessBuilder builder = new ProcessBuilder("./run-local", "--offline", "--port", "0")
                .directory(copy.toFile()).redirectErrorStream(true);
        List.of("PLAID_CLIENT_ID", "PLAID_SECRET", "PLAID_ENV", "KNOT_CLIENT_ID", "KNOT_SECRET", "AWS_ENDPOINT_URL",
                "JAVA_HOME").forEach(builder.environment()::remove);
        builder.environment().put("PATH", pathWithoutMotoServer(work));
        Process server = builder.start();
        try {
            String baseUrl = awaitReady(server, work.resolve("server.log")).get(300, TimeUnit.SECONDS);
            assertThat(Files.readString(work.resolve("server.log"))).contains("setting up moto in .local-tools/moto");
            assertThat(copy.resolve(".local-tools/moto/bin/moto_server")).isExecutable();
            Process run = walkThroughProcess(baseUrl);
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(run));
            assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("the walk-through finished").isTrue();
            String printed = output.get(10, TimeUnit.SECONDS);
            Files.writeString(work.resolve("walk-through.log"), printed);

            assertThat(run.exitValue()).as(printed).isZero();
            assertThat(printed).contains("\"link_token\": \"link-sandbox-").contains("\"institution\": \"First Platypus Bank\"")
                    .contains("\"processor_token_status\": \"created\"").contains("\"transactions_linked\": true")
                    .contains("204");
            assertThat(printed.strip()).endsWith("{\"items\":[],\"next_cursor\":null}");
        } finally {
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            deleteQuietly(copy);
        }
    }

    /** The copy's build and moto set-up are a few hundred MB: not left behind run after run. */
    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover under target/ is harmless
        }
    }

    /**
     * This PATH less every directory holding a moto_server, with a Python 3 that has moto's
     * packages in front (PyPI is out of reach here; on a connected machine pip fetches moto).
     */
    private static String pathWithoutMotoServer(Path work) throws Exception {
        Process which = new ProcessBuilder("python3", "-c", "import moto, sys; print(sys.executable)")
                .redirectErrorStream(true).start();
        String python = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(which.waitFor()).as("a python3 with moto, as .ci/run installs: " + python).isZero();
        Path bin = Files.createDirectories(work.resolve("python-only-bin"));
        Files.deleteIfExists(bin.resolve("python3"));
        Files.createSymbolicLink(bin.resolve("python3"), Path.of(python));
        List<String> path = new java.util.ArrayList<>(List.of(bin.toString()));
        for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
            if (!Files.exists(Path.of(dir, "moto_server"))) {
                path.add(dir);
            }
        }
        return String.join(java.io.File.pathSeparator, path);
    }

    private static Process walkThroughProcess(String baseUrl) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-eu", "-o", "pipefail", "-c", walkThrough())
                .redirectErrorStream(true);
        builder.environment().put("API", baseUrl);
        return builder.start();
    }

    /** The bash block after the local-walkthrough marker of docs/testing.md. */
    static String walkThrough() throws IOException {
        List<String> lines = Files.readAllLines(ProjectFiles.root().resolve("docs/testing.md"));
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("<!-- local-walkthrough")) {
                marker = i;
            }
        }
        assertThat(marker).as("docs/testing.md marks its local walk-through").isNotNegative();
        assertThat(lines.get(marker + 1)).isEqualTo("```bash");
        StringBuilder script = new StringBuilder();
        for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
            script.append(lines.get(i)).append('\n');
        }
        return script.toString();
    }

    /** Completes with the server's URL once it says it is ready; everything it prints goes to the log. */
    private static CompletableFuture<String> awaitReady(Process server, Path log) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                 Writer out = Files.newBufferedWriter(log)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    out.write(line + "\n");
                    out.flush();
                    if (line.startsWith("LOCAL SERVER READY ")) {
                        ready.complete(line.substring("LOCAL SERVER READY ".length()).strip());
                    }
                }
                ready.completeExceptionally(new AssertionError("./run-local ended before it was ready; see " + log));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        return ready;
    }

    private static String readAll(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyRepository(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.filter(p -> !excluded(from.relativize(p))).toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static boolean excluded(Path relative) {
        for (Path part : relative) {
            if (NOT_COPIED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }
}
