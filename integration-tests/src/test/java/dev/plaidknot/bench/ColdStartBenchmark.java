package dev.plaidknot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plaidknot.sim.KnotSimulator;
import dev.plaidknot.support.Api;
import dev.plaidknot.local.SamTemplate.Route;
import dev.plaidknot.support.LambdaLaunch;
import dev.plaidknot.support.ProjectFiles;
import dev.plaidknot.support.RuntimeApiDouble;
import dev.plaidknot.support.SampleEvents;
import dev.plaidknot.support.TestRig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The cold-start and warm-overhead benchmark (never a test): run by benchmark/run. Every function
 * of template.yaml, and a hello-world handler as the floor, is started in fresh JVMs the way
 * Lambda starts Java (the runtime interface client's entry point, the task root laid out as
 * sam build lays it, Lambda's JVM flags), against the Plaid and Knot simulators and the AWS
 * emulator on loopback. Prints one table.
 */
public final class ColdStartBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COLD_RUNS = Integer.getInteger("bench.coldRuns", 10);
    private static final int WARM_RUNS = Integer.getInteger("bench.warmRuns", 1000);
    /**
     * Invocations served before the counted ones: with C2 on (SnapStart's flags) the JIT keeps
     * compiling the request path for some hundreds of invocations, and a run's p99 counted from
     * the 51st invocation was that transient (overhead p99 7 ms, while no window of 100 after the
     * 500th exceeded 5 ms). The transient's own p50 / p99 are printed under the table.
     */
    private static final int WARMUP = Integer.getInteger("bench.warmup", 500);
    /** The first invocations of a warm environment are the cold path, measured on their own. */
    private static final int COLD_PATH = 50;
    /**
     * Invocations after the counted ones, each served after {@link #IDLE_MS} of idle, as a warm
     * environment's next request comes after a quiet spell (Lambda freezes it in between): the
     * counted ones come back to back, with both ends of every loopback connection hot, while a
     * restored environment's first request never does.
     */
    private static final int IDLE_RUNS = Integer.getInteger("bench.idleRuns", 10);
    private static final int IDLE_MS = Integer.getInteger("bench.idleMs", 1000);
    /** Fresh JVMs per function for the primed first invoke; the median is reported (one run is mostly noise). */
    private static final int PRIMED_RUNS = Integer.getInteger("bench.primedRuns", 5);
    /** Cold starts are on demand; warm and primed environments are SnapStart's, as the template deploys them. */
    static final List<String> ON_DEMAND_FLAGS = LambdaLaunch.JVM_FLAGS;
    /**
     * Settings a deployment sets as the README advises: Plaid's webhooks pointed at the stack's
     * route, so every link token and sandbox public token request carries the URL.
     */
    private static final Map<String, String> DEPLOYED_SETTINGS =
            Map.of("PLAID_WEBHOOK_URL", "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/webhooks/plaid");
    /** template.yaml's default LogLevel: every run logs as a deployed function does (the warm runs read its outcome lines). */
    private static final String DEPLOYED_LOG_LEVEL = "INFO";
    /** -Dbench.warmFlags=on-demand measures the warm runs under the on-demand flags (C1 only) instead. */
    static final List<String> WARM_FLAGS = "on-demand".equals(System.getProperty("bench.warmFlags"))
            ? LambdaLaunch.JVM_FLAGS : LambdaLaunch.SNAPSTART_JVM_FLAGS;

    private final Path taskRoot;
    private final String ricClasspath;
    private final String testClasspath;
    private final Path scratch = Files.createTempDirectory("plaidknot-bench");
    /**
     * A fresh world (simulators, table, key, secrets) per function, its table dropped after: a
     * whole run holds thousands of items, and one table across all of it grew moto past the
     * machine's memory (the first full run with Lambda-started warm JVMs hung at 21.8 GB).
     */
    private TestRig rig;
    private SampleEvents samples;
    /** Classes the first invocation loaded, per function, by where they came from. */
    private final Map<String, Map<String, Long>> classesBySource = new java.util.LinkedHashMap<>();

    private ColdStartBenchmark(Path taskRoot, String ricClasspath, String testClasspath) throws Exception {
        this.taskRoot = taskRoot;
        this.ricClasspath = ricClasspath;
        this.testClasspath = testClasspath;
    }

    public static void main(String[] args) throws Exception {
        new ColdStartBenchmark(Path.of(args[0]), args[1], args[2]).run();
        System.exit(0);
    }

    /** floorRatio: cold median to the typed hello world's; streamFloorRatio: to the byte-stream one's. */
    private record Row(String function, Stats init, Stats firstInvoke, Stats total, double floorRatio,
                       double streamFloorRatio, WarmResult warm, Primed primed, long classesLoaded) {
    }

    /**
     * The first invocation after the SnapStart hooks: its handler time as its outcome line reports
     * it (what the warm p50 is taken from, so the ratio compares like with like) and the upstream
     * time in it; its time from the event's bytes to the answer's (also mapping the event, writing
     * the answer and the log lines); the hooks' own time (snapshot creation and restore), and the
     * classes it still loaded (what priming did not reach).
     */
    private record Primed(double handlerMs, double upstreamMs, double bytesToBytesMs, double primingMs,
                          double restoreHookMs, long classesLoaded, double fastestMs, double slowestMs) {
        double overheadMs() {
            return handlerMs - upstreamMs;
        }
    }

    private record Stats(double median, double worst, double p50, double p99) {
        static Stats of(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            return new Stats(at(sorted, 0.5), sorted.getLast(), at(sorted, 0.5), at(sorted, 0.99));
        }

        private static double at(List<Double> sorted, double quantile) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
        }
    }

    private void run() throws Exception {
        // -Dbench.only=FunctionA,FunctionB measures just those (and the floor), for a quick look at one lever.
        List<String> only = List.of(System.getProperty("bench.only", "").split(",")).stream()
                .filter(name -> !name.isBlank()).toList();
        List<Route> routes = ProjectFiles.template().httpRoutes().stream()
                .filter(route -> only.isEmpty() || only.contains(route.functionId())).toList();
        Map<String, Path> events = eventsByRoute();
        List<Row> rows = new ArrayList<>();
        try (RuntimeApiDouble runtime = new RuntimeApiDouble()) {
            Path helloEvent = events.get("POST /create_link_token");
            // Two hello worlds: the usual typed one (Lambda's event serializer maps the event), and
            // one that takes the bytes as our functions do, which skips that serializer's cost. Their
            // cold starts are taken in turn with each function's (function, typed, bytes, ...), so a
            // ratio compares JVMs started in the same minutes: this shared machine drifts by a third
            // over a run, and floors measured once at the start skewed every later ratio.
            List<Class<?>> hellos = List.of(HelloHandler.class, HelloStreamHandler.class);
            Map<Class<?>, List<double[]>> allFloorRuns = new HashMap<>();
            List<Row> functionRows = new ArrayList<>();
            for (Route route : routes) {
                try (var _ = freshWorld()) {
                    Path event = events.get(route.routeKey());
                    List<double[]> runs = new ArrayList<>();
                    Map<Class<?>, List<double[]>> floorRuns = new HashMap<>();
                    for (int i = 0; i < COLD_RUNS; i++) {
                        runs.add(coldOnce(runtime, route.handler(), event, route, false, null));
                        for (Class<?> hello : hellos) {
                            floorRuns.computeIfAbsent(hello, h -> new ArrayList<>())
                                    .add(coldOnce(runtime, hello.getName() + "::handleRequest", helloEvent, null, true, null));
                        }
                    }
                    floorRuns.forEach((hello, list) -> allFloorRuns.computeIfAbsent(hello, h -> new ArrayList<>()).addAll(list));
                    Stats total = totals(runs);
                    WarmResult warm = warm(runtime, route, event);
                    functionRows.add(new Row(route.functionId(), Stats.of(runs.stream().map(r -> r[0]).toList()),
                            Stats.of(runs.stream().map(r -> r[1]).toList()), total,
                            total.median() / totals(floorRuns.get(HelloHandler.class)).median(),
                            total.median() / totals(floorRuns.get(HelloStreamHandler.class)).median(),
                            warm, primedMedian(route, event),
                            classesLoaded(runtime, route.handler(), event, route, false, route.functionId())));
                }
            }
            if (functionRows.isEmpty()) {
                throw new IllegalStateException("no function of template.yaml matches bench.only");
            }
            try (var _ = freshWorld()) {
                Stats typed = totals(allFloorRuns.get(HelloHandler.class));
                Stats bytes = totals(allFloorRuns.get(HelloStreamHandler.class));
                for (Class<?> hello : hellos) {
                    List<double[]> floorRuns = allFloorRuns.get(hello);
                    Stats total = totals(floorRuns);
                    String name = hello.getSimpleName() + " (floor)";
                    rows.add(new Row(name, Stats.of(floorRuns.stream().map(r -> r[0]).toList()),
                            Stats.of(floorRuns.stream().map(r -> r[1]).toList()), total,
                            total.median() / typed.median(), total.median() / bytes.median(), null, null,
                            classesLoaded(runtime, hello.getName() + "::handleRequest", helloEvent, null, true, name)));
                }
            }
            rows.addAll(functionRows);
        }
        print(rows);
        if (!Boolean.getBoolean("bench.skipAccounts")) {
            exchangeByAccounts();
        }
        if (!Boolean.getBoolean("bench.skipCardSwitch")) {
            authenticatedToCard();
        }
    }

    // ---- Knot's AUTHENTICATED: webhook in, card out ------------------------------------------

    private static final int CARD_SWITCH_WARM_RUNS = Integer.getInteger("bench.cardSwitchRuns", 200);
    private static final KnotSimulator.Merchant BENCH_MERCHANT = new KnotSimulator.Merchant(12, "Streaming Service");

    /**
     * Knot gives the issuer 15 seconds from its AUTHENTICATED webhook to the card. The Knot
     * simulator plays merchant logins against the webhook function started as Lambda starts it,
     * the development card platform behind Lambda's Invoke API: on a cold start, from the JVM's
     * start (Lambda starts it when the webhook arrives) to the card's arrival at Knot; warm, from
     * the webhook's delivery to the card's arrival, in one environment after as many untimed.
     */
    private void authenticatedToCard() throws Exception {
        Route route = ProjectFiles.template().httpRoutes().stream()
                .filter(r -> r.routeKey().equals("POST /webhooks/knot")).findFirst().orElseThrow();
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        int count = COLD_PATH + CARD_SWITCH_WARM_RUNS * 2;
        try (var _ = freshWorld(); RuntimeApiDouble runtime = new RuntimeApiDouble()) {
            Api api = new Api(rig.wiring(), rig.plaid);
            for (int i = 0; i < COLD_RUNS; i++) {
                String session = openBenchSession(api);
                java.util.concurrent.BlockingQueue<byte[]> deliveries = new java.util.concurrent.LinkedBlockingQueue<>();
                runtime.arm(2, index -> takeDelivery(deliveries)); // AUTHENTICATED, then CARD_UPDATED
                rig.knot.sendWebhooksTo(deliverThrough(runtime, deliveries, new java.util.concurrent.atomic.AtomicLong(),
                        new java.util.concurrent.atomic.AtomicInteger()));
                Process process = lambdaProcess(runtime, route.handler(), false, null, DEPLOYED_LOG_LEVEL,
                        scratch.resolve("card-switch.log"), ON_DEMAND_FLAGS).start();
                long started = System.nanoTime();
                try {
                    KnotSimulator.MerchantLogin login = rig.knot.loginToMerchant(session, BENCH_MERCHANT, true, null);
                    cold.add((arrival(login) - started) / 1e6);
                } finally {
                    stop(process);
                }
            }
            java.util.concurrent.BlockingQueue<byte[]> deliveries = new java.util.concurrent.LinkedBlockingQueue<>();
            runtime.arm(count, index -> takeDelivery(deliveries));
            var delivered = new java.util.concurrent.atomic.AtomicLong();
            var answered = new java.util.concurrent.atomic.AtomicInteger();
            rig.knot.sendWebhooksTo(deliverThrough(runtime, deliveries, delivered, answered));
            Process process = lambdaProcess(runtime, route.handler(), false, null, DEPLOYED_LOG_LEVEL,
                    scratch.resolve("card-switch.log"), WARM_FLAGS).start();
            try {
                for (int i = 0; i < count / 2; i++) {
                    KnotSimulator.MerchantLogin login = rig.knot.loginToMerchant(openBenchSession(api), BENCH_MERCHANT,
                            true, null);
                    if (i >= count / 2 - CARD_SWITCH_WARM_RUNS) {
                        warm.add((arrival(login) - delivered.get()) / 1e6);
                    }
                }
            } finally {
                stop(process);
            }
        }
        Stats coldStats = Stats.of(cold);
        Stats warmStats = Stats.of(warm);
        System.out.printf("%nKnot's AUTHENTICATED to the card at Knot (Knot's window: 15,000 ms), ms: cold from the JVM's start,"
                + " %d runs; warm from the webhook's delivery, %d runs after %d untimed%n", COLD_RUNS,
                CARD_SWITCH_WARM_RUNS, count / 2 - CARD_SWITCH_WARM_RUNS);
        System.out.println("| start | p50 ms | p99 ms | worst ms |");
        System.out.println("| --- | --- | --- | --- |");
        System.out.printf(Locale.ROOT, "| cold (on demand) | %.0f | %.0f | %.0f |%n", coldStats.p50(), coldStats.p99(), coldStats.worst());
        System.out.printf(Locale.ROOT, "| warm | %.1f | %.1f | %.1f |%n", warmStats.p50(), warmStats.p99(), warmStats.worst());
    }

    /** A session of a fresh cardholder of the development platform's shared test card. */
    private static String openBenchSession(Api api) {
        var response = api.knotSession("bench-" + UUID.randomUUID(), "{\"card_id\":\"card-1\"}");
        if (response.getStatusCode() != 201) {
            throw new IllegalStateException("could not open a session: " + response.getBody());
        }
        return Api.json(response).path("session").asText();
    }

    private long arrival(KnotSimulator.MerchantLogin login) {
        if (!login.cardReceived()) {
            throw new IllegalStateException("the card did not reach Knot; see " + scratch.resolve("card-switch.log"));
        }
        return rig.knot.receivedCards().stream().filter(c -> c.taskId().equals(login.taskId())).findFirst()
                .orElseThrow().arrivedNanos();
    }

    private static byte[] takeDelivery(java.util.concurrent.BlockingQueue<byte[]> deliveries) {
        try {
            byte[] event = deliveries.poll(60, java.util.concurrent.TimeUnit.SECONDS);
            if (event == null) {
                throw new IllegalStateException("no webhook came to deliver");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Knot's webhooks, as API Gateway hands them to the function, through the runtime API; waits for each answer. */
    private static KnotSimulator.WebhookReceiver deliverThrough(RuntimeApiDouble runtime,
            java.util.concurrent.BlockingQueue<byte[]> deliveries, java.util.concurrent.atomic.AtomicLong delivered,
            java.util.concurrent.atomic.AtomicInteger answered) {
        return (headers, body) -> {
            ObjectNode event = JSON.createObjectNode();
            event.put("version", "2.0").put("routeKey", "POST /webhooks/knot").put("rawPath", "/webhooks/knot")
                    .put("rawQueryString", "").put("isBase64Encoded", false)
                    .put("body", new String(body, StandardCharsets.UTF_8));
            ObjectNode lowered = event.putObject("headers");
            headers.forEach((name, value) -> lowered.put(name.toLowerCase(Locale.ROOT), value));
            ObjectNode context = event.putObject("requestContext");
            context.put("routeKey", "POST /webhooks/knot").put("requestId", UUID.randomUUID().toString())
                    .put("stage", "$default").put("timeEpoch", System.currentTimeMillis());
            context.putObject("http").put("method", "POST").put("path", "/webhooks/knot")
                    .put("sourceIp", Api.KNOT_ADDRESS).put("protocol", "HTTP/1.1");
            try {
                if (new String(body, StandardCharsets.UTF_8).contains("\"AUTHENTICATED\"")) {
                    delivered.set(System.nanoTime());
                }
                deliveries.put(JSON.writeValueAsBytes(event));
                int index = answered.incrementAndGet();
                if (!runtime.awaitAnswered(index, 60)) {
                    return 0;
                }
                return runtime.statuses().get(index - 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    // ---- the exchange by number of accounts ---------------------------------------------------

    /** Items of 1, 3 and 10 accounts; the simulator answers each Plaid call this much later. */
    private static final List<Integer> ACCOUNT_COUNTS = List.of(1, 3, 10);
    private static final int PLAID_LATENCY_MS = Integer.getInteger("bench.plaidLatencyMs", 200);
    private static final int ACCOUNT_RUNS = Integer.getInteger("bench.accountRuns", 20);

    /**
     * The exchange's handler time by the number of accounts the cardholder selected, with Plaid
     * slow as a real one is: a public token exchange, an accounts read and one processor token per
     * account, each answered {@value #PLAID_LATENCY_MS} ms late. On a warm handler in this JVM
     * (after {@code ACCOUNT_RUNS / 4} untimed exchanges of each size), against moto: what the
     * cardholder waits after Link's onSuccess, and how it grows with the accounts.
     */
    private void exchangeByAccounts() throws Exception {
        List<String[]> lines = new ArrayList<>();
        try (var _ = freshWorld()) {
            rig.plaid.delayEveryAnswer(java.time.Duration.ofMillis(PLAID_LATENCY_MS));
            var handler = new dev.plaidknot.handler.ExchangePublicTokenHandler(rig.wiring());
            Stats one = null;
            for (int accounts : ACCOUNT_COUNTS) {
                for (int i = 0; i < ACCOUNT_RUNS / 4; i++) {
                    exchangeOnce(handler, accounts);
                }
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < ACCOUNT_RUNS; i++) {
                    times.add(exchangeOnce(handler, accounts));
                }
                Stats stats = Stats.of(times);
                one = one == null ? stats : one;
                lines.add(new String[] {String.valueOf(accounts), String.format(Locale.ROOT, "%.0f", stats.p50()),
                        String.format(Locale.ROOT, "%.0f", stats.p99()),
                        String.format(Locale.ROOT, "%.2f", stats.p50() / one.p50())});
            }
        }
        System.out.printf("%nThe exchange by accounts selected: warm handler ms, %d runs each, every Plaid call answered"
                + " %d ms late (a public token exchange, an accounts read, a processor token per account)%n",
                ACCOUNT_RUNS, PLAID_LATENCY_MS);
        System.out.println("| accounts | handler p50 ms | handler p99 ms | p50 x 1 account |");
        System.out.println("| --- | --- | --- | --- |");
        for (String[] line : lines) {
            System.out.println("| " + String.join(" | ", line) + " |");
        }
    }

    /** One exchange of a fresh public token for an item of {@code accounts} accounts, all selected; its handler ms. */
    private double exchangeOnce(dev.plaidknot.handler.ExchangePublicTokenHandler handler, int accounts) {
        // Untimed: moto copies the whole table for each item of a TransactWriteItems, so its
        // transactions slow as the table grows (DynamoDB's do not); each exchange starts from an empty one.
        rig.deleteAllRecords();
        String token = "public-sandbox-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        StringBuilder selected = new StringBuilder();
        for (int i = 0; i < accounts; i++) {
            String id = "acc" + i + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            ids.add(id);
            selected.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\"}");
        }
        rig.plaid.acceptPublicToken(token, dev.plaidknot.sim.PlaidSimulator.FIRST_PLATYPUS_BANK, ids);
        var event = dev.plaidknot.testing.ApiEvents.from("bench-accounts", "POST /exchange_public_token",
                "{\"public_token\":\"" + token + "\",\"accounts\":[" + selected + "]}");
        long started = System.nanoTime();
        var response = handler.handleRequest(event, new dev.plaidknot.testing.LambdaContext());
        double ms = (System.nanoTime() - started) / 1_000_000.0;
        if (response.getStatusCode() != 201) {
            throw new IllegalStateException("the exchange of " + accounts + " accounts answered " + response.getStatusCode());
        }
        return ms;
    }

    /** Makes the rig one function is measured in; closing it drops its table and stops its simulators. */
    private AutoCloseable freshWorld() {
        rig = new TestRig();
        samples = new SampleEvents(rig);
        TestRig current = rig;
        return () -> {
            current.dynamo.deleteTable(d -> d.tableName(current.table));
            current.close();
        };
    }

    private static Stats totals(List<double[]> runs) {
        return Stats.of(runs.stream().map(r -> r[0] + r[1]).toList());
    }

    // ---- cold starts --------------------------------------------------------------------------

    /** One run: [init ms, first invoke ms], from process start to the first /next, then to the response. */
    private double[] coldOnce(RuntimeApiDouble runtime, String handler, Path event, Route route, boolean floor,
                              Path classLog) throws Exception {
        runtime.arm(prepared(event, route).getBytes(StandardCharsets.UTF_8));
        List<String> flags = new ArrayList<>(ON_DEMAND_FLAGS);
        if (!floor) {
            // -Dbench.coldOpts=-agentpath:... (comma-separated): a closer look at a function's cold start.
            flags.addAll(options("bench.coldOpts"));
        }
        ProcessBuilder builder = lambdaProcess(runtime, handler, floor, classLog, DEPLOYED_LOG_LEVEL, scratch.resolve("runtime.log"),
                flags);
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            if (!runtime.awaitAnswer(60)) {
                throw new IllegalStateException(handler + " did not answer; see " + scratch.resolve("runtime.log"));
            }
            if (runtime.responseStatus() < 200 || runtime.responseStatus() >= 300) {
                throw new IllegalStateException(handler + " answered " + runtime.responseStatus() + " "
                        + runtime.errorBody() + "; see " + scratch.resolve("runtime.log"));
            }
        } finally {
            stop(process);
        }
        return new double[] {(runtime.firstNextNanos() - started) / 1e6, (runtime.responseNanos() - runtime.firstNextNanos()) / 1e6};
    }

    /**
     * Ends a measured JVM after its answers: asked first, so an agent given in {@code bench.coldOpts}
     * or {@code bench.warmOpts} (a profiler) writes its output on the way out; killed if it does not end.
     */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A JVM started as Lambda's java25 runtime starts one, its output to {@code log}. */
    private ProcessBuilder lambdaProcess(RuntimeApiDouble runtime, String handler, boolean floor, Path classLog,
                                         String logLevel, Path log, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        if (classLog != null) {
            command.add("-Xlog:class+load=info:file=" + classLog);
        }
        command.add("-cp");
        // As Lambda's java runtime: the runtime's own jars, then the task root and its lib/ (as sam build lays them out).
        command.add(String.join(File.pathSeparator, ricClasspath, taskRoot.toString(), taskRoot.resolve("lib") + "/*")
                + (floor ? File.pathSeparator + testClasspath : ""));
        command.add(LambdaLaunch.ENTRY_POINT);
        command.add(handler);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(LambdaLaunch.environment(rig, runtime, taskRoot, handler));
        if (!floor) {
            builder.environment().putAll(DEPLOYED_SETTINGS);
        }
        builder.environment().put("LOG_LEVEL", logLevel);
        return builder;
    }

    private long classesLoaded(RuntimeApiDouble runtime, String handler, Path event, Route route, boolean floor,
                               String name) throws Exception {
        Path log = scratch.resolve("classes-" + UUID.randomUUID() + ".log");
        coldOnce(runtime, handler, event, route, floor, log);
        Map<String, Long> bySource = new java.util.TreeMap<>();
        try (Stream<String> lines = Files.lines(log)) {
            lines.forEach(line -> bySource.merge(source(line), 1L, Long::sum));
        }
        classesBySource.put(name, bySource);
        return bySource.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Where a class-load log line says the class came from: the JDK, our classes, or a jar by name. */
    private String source(String line) {
        int at = line.indexOf("source: ");
        String source = at < 0 ? "" : line.substring(at + 8).strip();
        if (source.startsWith("jrt:") || source.startsWith("shared objects file")) {
            return "JDK";
        }
        if (!source.startsWith("file:")) {
            return "generated (lambdas, proxies)";
        }
        String file = source.substring("file:".length());
        if (!file.endsWith(".jar")) {
            return Path.of(file).toAbsolutePath().normalize().startsWith(taskRoot.toAbsolutePath().normalize())
                    ? "functions' own classes" : "test classes";
        }
        String jar = Path.of(file).getFileName().toString();
        return jar.replaceFirst("-[0-9][0-9.]*(-[A-Za-z0-9]+)?\\.jar$", "");
    }

    // ---- warm and primed ----------------------------------------------------------------------

    /**
     * Counted invocations' handler time and overhead, the JIT warm-up's overhead before them, the
     * handler time of the invocations served after idle (null if none were asked for), and the
     * invocations left out because the emulator failed them (at most 1 %, else the run fails).
     */
    private record WarmResult(Stats handler, Stats overhead, Stats warmupOverhead, Stats afterIdle, List<String> failures) {
    }

    /**
     * Handler time over many invocations in one warm environment: a JVM started as Lambda starts
     * one (its flags, the runtime interface client) served the events one after another, then a
     * few after a quiet spell each (the runtime waits on its next event meanwhile, as in Lambda). Handler
     * time and upstream time are read from each invocation's own outcome line; overhead is the
     * difference.
     */
    private WarmResult warm(RuntimeApiDouble runtime, Route route, Path event) throws Exception {
        int backToBack = COLD_PATH + WARMUP + WARM_RUNS;
        int count = backToBack + IDLE_RUNS;
        // moto copies every table for each TransactWriteItems (to roll back), so its transactions
        // slow as the table grows: 52 to 600 ms per exchange over a run. DynamoDB's do not; the
        // routes that write one start each invocation from an empty table, emptied untimed here.
        boolean transacts = Set.of("POST /exchange_public_token", "DELETE /items/{item_id}").contains(route.routeKey());
        runtime.arm(count, index -> {
            try {
                if (transacts) {
                    rig.deleteAllRecords();
                }
                byte[] prepared = prepared(event, route).getBytes(StandardCharsets.UTF_8);
                if (index >= backToBack) {
                    // made first, so the quiet spell is the last thing before the event is served
                    Thread.sleep(IDLE_MS);
                }
                return prepared;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path log = scratch.resolve("warm-" + route.functionId() + ".log");
        List<String> flags = new ArrayList<>(WARM_FLAGS);
        // -Dbench.warmOpts=-Xlog:gc:file=/tmp/gc.log (comma-separated): a closer look at what the warm runs' p99 carries.
        flags.addAll(options("bench.warmOpts"));
        Process process = lambdaProcess(runtime, route.handler(), false, null, DEPLOYED_LOG_LEVEL, log, flags).start();
        try {
            if (!runtime.awaitAnswer(3_600) || runtime.errorBody() != null) {
                throw new IllegalStateException(route.routeKey() + " warm runs did not finish; see " + log);
            }
        } finally {
            stop(process);
        }
        List<Double> times = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<Double> overheads = new ArrayList<>();
        List<Double> warmupOverheads = new ArrayList<>();
        List<Double> afterIdle = new ArrayList<>();
        int invocation = 0;
        for (String line : Files.readAllLines(log)) {
            if (!line.contains("\"upstream_ms\"") || !line.contains("\"duration_ms\"")) {
                continue;
            }
            JsonNode outcome = JSON.readTree(line);
            double handler = outcome.path("duration_ms").asDouble();
            double upstream = upstreamMs(outcome);
            int index = invocation++;
            int status = outcome.path("status").asInt();
            if (status < 200 || status >= 300) {
                // moto has stalled for seconds now and then in long runs; the function's 503 is right, but not a figure of ours
                if (status != 503 || !outcome.has("dependency") || failures.size() >= count / 100) {
                    throw new IllegalStateException(route.routeKey() + " answered " + status + "; see " + log);
                }
                failures.add(String.format(Locale.ROOT, "invocation %d: 503, %s %s after %.0f ms", index + 1,
                        outcome.path("dependency").asText(), outcome.path("aws_error_code").asText(), handler));
                continue;
            }
            if (index >= backToBack) {
                afterIdle.add(handler);
            } else if (index >= COLD_PATH + WARMUP) {
                times.add(handler);
                overheads.add(handler - upstream);
            } else if (index >= COLD_PATH) {
                warmupOverheads.add(handler - upstream);
            }
        }
        if (invocation != count) {
            throw new IllegalStateException(route.routeKey() + ": " + invocation + " outcome lines for " + count
                    + " invocations; see " + log);
        }
        return new WarmResult(Stats.of(times), Stats.of(overheads),
                warmupOverheads.isEmpty() ? null : Stats.of(warmupOverheads),
                afterIdle.isEmpty() ? null : Stats.of(afterIdle), List.copyOf(failures));
    }

    /**
     * Extra JVM options from a comma-separated system property; a comma splits only before a dash,
     * so an option's own commas stay (an agent's: {@code -agentpath:...=start,event=cpu}).
     */
    private static List<String> options(String property) {
        return List.of(System.getProperty(property, "").split(",(?=-)")).stream().filter(opt -> !opt.isBlank()).toList();
    }

    /**
     * How long an outcome line says the request waited on Plaid, Knot and AWS: the wall time with
     * at least one call in flight, so calls made at the same time (an exchange's accounts) count
     * once. Lines without it (an older build) fall back to the per-upstream sum.
     */
    private static double upstreamMs(JsonNode outcome) {
        if (outcome.has("upstream_wall_ms")) {
            return outcome.path("upstream_wall_ms").asDouble();
        }
        double upstream = 0;
        for (JsonNode value : outcome.path("upstream_ms")) {
            upstream += value.asDouble();
        }
        return upstream;
    }

    /** The run whose first invoke is the median of {@link #PRIMED_RUNS}. */
    private Primed primedMedian(Route route, Path event) throws Exception {
        List<Primed> runs = new ArrayList<>();
        for (int i = 0; i < PRIMED_RUNS; i++) {
            runs.add(primed(route, event));
        }
        runs.sort(java.util.Comparator.comparingDouble(Primed::handlerMs));
        Primed median = runs.get((runs.size() - 1) / 2);
        return new Primed(median.handlerMs(), median.upstreamMs(), median.bytesToBytesMs(), median.primingMs(),
                median.restoreHookMs(), median.classesLoaded(), runs.getFirst().handlerMs(), runs.getLast().handlerMs());
    }

    private Primed primed(Route route, Path event) throws Exception {
        Path file = scratch.resolve("primed-event.json");
        Files.writeString(file, prepared(event, route));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LambdaLaunch.SNAPSTART_JVM_FLAGS);
        // -Dbench.primedOpts=-Dprimed.repeats=3,-Xlog:... (comma-separated) for a closer look; with -Dbench.primedEcho=true its output is printed.
        command.addAll(options("bench.primedOpts"));
        command.addAll(List.of("-cp", testClasspath, PrimedFirstInvoke.class.getName(),
                route.handler().split("::")[0], file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(LambdaLaunch.functionEnvironment(rig, route.handler(), "snap-start"));
        builder.environment().putAll(DEPLOYED_SETTINGS);
        builder.environment().put("LOG_LEVEL", DEPLOYED_LOG_LEVEL);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        if (Boolean.getBoolean("bench.primedEcho")) {
            System.out.println(output);
        }
        Map<String, String> figures = new HashMap<>();
        JsonNode outcome = null;
        for (String line : output.split("\n")) {
            if (outcome == null && line.contains("\"request completed\"")) {
                outcome = JSON.readTree(line);
            }
            String[] parts = line.strip().split(" ");
            if (parts.length >= 2 && parts[0].endsWith("_US")) {
                figures.put(parts[0], parts[1]);
            }
            if (parts[0].equals("PRIMED_FIRST_INVOKE_US")) {
                if (!parts[3].startsWith("2")) {
                    throw new IllegalStateException("primed " + route.routeKey() + " answered " + parts[3]);
                }
                figures.put("PRIMED_CLASSES", parts[5]);
            }
        }
        if (outcome != null
                && figures.keySet().containsAll(List.of("PRIMING_US", "RESTORE_HOOK_US", "PRIMED_FIRST_INVOKE_US"))) {
            return new Primed(outcome.path("duration_ms").asDouble(), upstreamMs(outcome),
                    Long.parseLong(figures.get("PRIMED_FIRST_INVOKE_US")) / 1000.0,
                    Long.parseLong(figures.get("PRIMING_US")) / 1000.0, Long.parseLong(figures.get("RESTORE_HOOK_US")) / 1000.0,
                    Long.parseLong(figures.get("PRIMED_CLASSES")), 0, 0);
        }
        throw new IllegalStateException("primed run of " + route.routeKey() + " printed no timing:\n" + output);
    }

    // ---- events -------------------------------------------------------------------------------

    private static Map<String, Path> eventsByRoute() {
        Map<String, Path> events = new HashMap<>();
        for (Path file : SampleEvents.files()) {
            events.put(SampleEvents.routeKey(file), file);
        }
        return events;
    }

    /**
     * The sample event made valid for one more invocation (fresh token, an item to delete, a fresh
     * signature), as compact JSON: the samples are laid out for reading, and Lambda hands a
     * function API Gateway's event without that whitespace.
     */
    private String prepared(Path file, Route route) throws Exception {
        return JSON.readTree(route == null ? Files.readString(file) : samples.prepared(file)).toString();
    }

    // ---- the table ----------------------------------------------------------------------------

    private void print(List<Row> rows) throws Exception {
        long packageBytes;
        try (Stream<Path> files = Files.walk(taskRoot)) {
            packageBytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Cold start and warm overhead, %d cold JVMs, %d warm invocations (after %d, in one Lambda-started JVM) and %d primed JVMs per function, %s, %d cores%n",
                COLD_RUNS, WARM_RUNS, COLD_PATH + WARMUP, PRIMED_RUNS, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "JVM flags: cold (on demand) %s; warm %s; primed (SnapStart) %s%n",
                String.join(" ", ON_DEMAND_FLAGS), String.join(" ", WARM_FLAGS), String.join(" ", LambdaLaunch.SNAPSTART_JVM_FLAGS));
        System.out.printf(Locale.ROOT, "Package (classes + dependency jars, one for all functions): %.1f MB%n",
                packageBytes / 1e6);
        System.out.printf(Locale.ROOT, "| %-30s | %-17s | %-17s | %-17s | %-11s | %-15s | %-14s | %-17s | %-7s |%n",
                "function", "init ms med/worst", "1st inv med/worst", "cold ms med/worst", "x floors", "warm p50/p99 ms",
                "ovh p50/p99 ms", "primed 1st ms (x)", "classes");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "| %-30s | %7.0f / %7.0f | %7.0f / %7.0f | %7.0f / %7.0f | %4.2f / %4.2f | %-15s | %-14s | %-17s | %7d |%n",
                    row.function(), row.init().median(), row.init().worst(), row.firstInvoke().median(),
                    row.firstInvoke().worst(), row.total().median(), row.total().worst(), row.floorRatio(), row.streamFloorRatio(),
                    row.warm() == null ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", row.warm().handler().p50(),
                            row.warm().handler().p99()),
                    row.warm() == null ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", row.warm().overhead().p50(),
                            row.warm().overhead().p99()),
                    row.warm() == null ? "-" : String.format(Locale.ROOT, "%.1f (%.1f)", row.primed().handlerMs(),
                            row.primed().handlerMs() / row.warm().handler().p50()),
                    row.classesLoaded());
        }
        System.out.println();
        System.out.println("Primed first invoke (the median run): handler ms = upstream + overhead (overhead x warm overhead p50),"
                + " fastest-slowest of the runs; from the event's bytes to the answer's; SnapStart hooks' own time, ms"
                + " (priming before the checkpoint / the restore hook); classes it loaded:");
        rows.stream().filter(row -> row.primed() != null).forEach(row -> System.out.printf(Locale.ROOT,
                "  %-30s %.1f = %.1f + %.1f (%.1f), %.1f-%.1f; %.1f; %.0f / %.0f; %d classes%n", row.function(),
                row.primed().handlerMs(), row.primed().upstreamMs(), row.primed().overheadMs(),
                row.primed().overheadMs() / row.warm().overhead().p50(), row.primed().fastestMs(),
                row.primed().slowestMs(), row.primed().bytesToBytesMs(),
                row.primed().primingMs(), row.primed().restoreHookMs(), row.primed().classesLoaded()));
        if (IDLE_RUNS > 0) {
            System.out.println();
            System.out.printf(Locale.ROOT, "After %d ms of idle, the warm environments' handler ms (median / worst of %d; x warm p50),"
                    + " and the primed first invoke x that median:%n", IDLE_MS, IDLE_RUNS);
            rows.stream().filter(row -> row.warm() != null && row.warm().afterIdle() != null).forEach(row -> System.out.printf(
                    Locale.ROOT, "  %-30s %.1f / %.1f (%.1f); primed %.1f%n", row.function(), row.warm().afterIdle().median(),
                    row.warm().afterIdle().worst(), row.warm().afterIdle().median() / row.warm().handler().p50(),
                    row.primed().handlerMs() / row.warm().afterIdle().median()));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "JIT warm-up of the warm environments, overhead p50 / p99 ms of invocations %d-%d (not counted above):%n",
                COLD_PATH + 1, COLD_PATH + WARMUP);
        rows.stream().filter(row -> row.warm() != null && row.warm().warmupOverhead() != null).forEach(row -> System.out.printf(
                Locale.ROOT, "  %-30s %.2f / %.2f%n", row.function(), row.warm().warmupOverhead().p50(),
                row.warm().warmupOverhead().p99()));
        rows.stream().filter(row -> row.warm() != null && !row.warm().failures().isEmpty()).forEach(row -> System.out.printf(
                Locale.ROOT, "Left out of %s's warm figures, a dependency (the emulator) failed them: %s%n", row.function(),
                String.join("; ", row.warm().failures())));
        System.out.println();
        System.out.println("Classes loaded by the first invocation, by where they came from (the ten largest):");
        classesBySource.forEach((function, bySource) -> System.out.printf(Locale.ROOT, "  %-30s %s%n", function,
                bySource.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                        .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "))));
    }
}
