package dev.plaidknot.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.plaidknot.Wiring;
import dev.plaidknot.config.Settings;
import dev.plaidknot.devcards.DevelopmentCardPlatform;
import dev.plaidknot.function.DevelopmentCardPlatformFunction;
import dev.plaidknot.knot.KnotCredentials;
import dev.plaidknot.knot.KnotEnvironment;
import dev.plaidknot.sim.LambdaInvokeSimulator;
import dev.plaidknot.local.SamTemplate.Route;
import dev.plaidknot.sim.KnotSimulator;
import dev.plaidknot.sim.PlaidSimulator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Every route of template.yaml on 127.0.0.1, through the same handler classes Lambda runs, each
 * request turned into the payload-2.0 event API Gateway would send. What AWS provides is replaced
 * by development stand-ins, each announced at start-up: keys from environment variables instead
 * of Secrets Manager, an in-memory AES key instead of KMS, a chosen user instead of the JWT
 * authorizer, and a DynamoDB emulator with the template's table. Offline, the project's Plaid and
 * Knot simulators stand in for Plaid's sandbox and Knot. Also serves frontend/ at {@code /}.
 */
public final class LocalServer implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** API Gateway's own limit on a request body. */
    private static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** The functions' optional settings a developer may set for the local server too. */
    private static final List<String> PASSED_THROUGH = List.of("PLAID_CLIENT_NAME", "PLAID_PRODUCTS",
            "PLAID_COUNTRY_CODES", "PLAID_LANGUAGE", "PLAID_WEBHOOK_URL", "PLAID_TIMEOUT_MS", "KNOT_TIMEOUT_MS",
            "SECRET_CACHE_SECONDS", "PLAID_BASE_URL", "KNOT_BASE_URL", "STORE_CALL_TIMEOUT_MS", "KNOT_WEBHOOK_SOURCE_CIDRS");

    private final LocalOptions options;
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** The test card every cardholder of a local run holds. */
    public static final String LOCAL_CARD = "local-card-1";
    private final List<String> banner = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> handlers = new HashMap<>();
    private RouteTable routes;
    private PlaidSimulator plaidSimulator;
    private LinkStandIn linkStandIn;
    private FrontendFiles frontend;
    private DynamoDbClient dynamoClient;
    private KnotSimulator knotSimulator;
    private LambdaClient lambdaClient;
    private String tokensTable;
    private HttpServer server;

    private LocalServer(LocalOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help")) {
            System.out.print(LocalOptions.USAGE);
            return;
        }
        LocalServer server;
        try {
            server = start(LocalOptions.parse(List.of(args), System.getenv()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("local server not started: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.banner.forEach(System.out::println);
        System.out.println("LOCAL SERVER READY " + server.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Starts everything; on any failure stops what was started and throws. */
    public static LocalServer start(LocalOptions options) {
        LocalServer server = new LocalServer(options);
        try {
            server.startUp();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** What the server announced at start-up: every stand-in it uses, in words. */
    public List<String> banner() {
        return List.copyOf(banner);
    }

    /** The table holding this run's records. */
    public String tokensTable() {
        return tokensTable;
    }

    /** The Knot simulator in offline mode, for tests that look at what Knot received. */
    public Optional<KnotSimulator> knotSimulator() {
        return Optional.ofNullable(knotSimulator);
    }

    /** The Plaid simulator in offline mode, for tests that complete Link without a browser. */
    public Optional<PlaidSimulator> plaidSimulator() {
        return Optional.ofNullable(plaidSimulator);
    }

    // ---- start-up -----------------------------------------------------------------------------

    private void startUp() {
        String plaidEnvironment = options.offline() ? "sandbox" : options.env("PLAID_ENV").orElse("sandbox");
        // First of all: a production environment stops the server before anything is built.
        DevelopmentTokenCipher cipher = DevelopmentTokenCipher.forPlaidEnvironment(plaidEnvironment);

        Path templateFile = options.projectRoot().resolve("template.yaml");
        if (!Files.isRegularFile(templateFile)) {
            throw new IllegalStateException("no template.yaml in " + options.projectRoot()
                    + ": run from the project root or pass --project-root");
        }
        SamTemplate template = SamTemplate.load(templateFile);

        Map<String, String> settings = new LinkedHashMap<>();
        PASSED_THROUGH.forEach(name -> options.env(name).ifPresent(value -> settings.put(name, value)));
        EnvironmentSecrets secrets = new EnvironmentSecrets();
        banner.add("=".repeat(100));
        banner.add(" LOCAL DEVELOPMENT SERVER: not for real cardholders, not for production keys");
        if (options.offline()) {
            startSimulators(secrets, settings);
        } else {
            useRealUpstreams(secrets, settings, plaidEnvironment);
        }
        settings.put("PLAID_SECRET_ARN", EnvironmentSecrets.PLAID);
        // moto stalls for seconds now and then; the deployed 3 s bound on storing would make that a 503.
        settings.putIfAbsent("STORE_CALL_TIMEOUT_MS", "5000");
        tokensTable = startTable(template);
        settings.put("TOKENS_TABLE", tokensTable);
        banner.add(" Encryption: DEVELOPMENT cipher (AES-256-GCM, key held in this process only) in place of KMS;"
                + " refused for Plaid production");
        banner.add(" Identity:   DEVELOPMENT stand-in for the JWT authorizer: no token is checked; every request is"
                + " user '" + options.defaultUser() + "' unless the X-Local-User header names another");

        startCardPlatform(secrets, settings);
        frontend = new FrontendFiles(options.projectRoot().resolve("frontend"), options.offline(), plaidEnvironment);
        Wiring wiring = new Wiring(new Settings(settings),
                new Wiring.Backends(() -> secrets, () -> dynamoClient, () -> cipher, () -> lambdaClient));
        routes = new RouteTable(template.httpRoutes());
        for (Route route : routes.routes()) {
            handlers.computeIfAbsent(route.functionId(), id -> instantiate(route.handlerClass(), wiring));
            banner.add(String.format(" %-6s %-24s -> %s", route.method(), route.path(), route.functionId()));
        }

        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + options.port() + " (" + e.getMessage() + ")");
        }
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
        if (knotSimulator != null) {
            // The simulator's merchant logins post their webhooks here, as Knot would to the deployed URL.
            knotSimulator.sendWebhooksTo(KnotSimulator.WebhookReceiver.at(baseUrl().resolve("/webhooks/knot")));
        }
        banner.add(2, " " + baseUrl() + "  (front end at /, the API routes of template.yaml below)");
        banner.add("=".repeat(100));
    }

    private void startSimulators(EnvironmentSecrets secrets, Map<String, String> settings) {
        String plaidClientId = "local" + HexFormat.of().formatHex(bytes(10));
        String plaidSecret = HexFormat.of().formatHex(bytes(16));
        plaidSimulator = PlaidSimulator.start(plaidClientId, plaidSecret);
        resources.add(plaidSimulator);
        linkStandIn = new LinkStandIn(plaidSimulator);
        String knotClientId = UUID.randomUUID().toString();
        String knotSecret = HexFormat.of().formatHex(bytes(16));
        KnotSimulator knot = KnotSimulator.start(plaidSimulator, knotClientId, knotSecret);
        resources.add(knot);
        knotSimulator = knot;
        secrets.with(EnvironmentSecrets.PLAID, plaidClientId, plaidSecret, "sandbox");
        secrets.with(EnvironmentSecrets.KNOT, knotClientId, knotSecret, "development");
        settings.put("PLAID_BASE_URL", plaidSimulator.baseUrl().toString());
        settings.put("KNOT_BASE_URL", knot.baseUrl().toString());
        settings.put("KNOT_SECRET_ARN", EnvironmentSecrets.KNOT);
        String why = options.offlineChosen() ? "--offline" : "PLAID_CLIENT_ID/PLAID_SECRET are not set";
        banner.add(" OFFLINE (" + why + "): nothing leaves this machine");
        banner.add(" Plaid:      the project's Plaid SANDBOX SIMULATOR at " + plaidSimulator.baseUrl()
                + ", not Plaid; Link is the offline stand-in");
        banner.add(" Knot:       the project's Knot SIMULATOR at " + knot.baseUrl() + ", not Knot");
    }

    private void useRealUpstreams(EnvironmentSecrets secrets, Map<String, String> settings, String plaidEnvironment) {
        secrets.with(EnvironmentSecrets.PLAID, options.env("PLAID_CLIENT_ID").orElseThrow(),
                options.env("PLAID_SECRET").orElseThrow(), plaidEnvironment);
        banner.add(" Plaid:      Plaid " + plaidEnvironment + " with the keys in PLAID_CLIENT_ID/PLAID_SECRET");
        Optional<String> knotId = options.env("KNOT_CLIENT_ID");
        Optional<String> knotSecret = options.env("KNOT_SECRET");
        if (knotId.isPresent() && knotSecret.isPresent()) {
            String knotEnvironment = options.env("KNOT_ENV").orElse("development");
            secrets.with(EnvironmentSecrets.KNOT, knotId.get(), knotSecret.get(), knotEnvironment);
            settings.put("KNOT_SECRET_ARN", EnvironmentSecrets.KNOT);
            banner.add(" Knot:       Knot " + knotEnvironment + " with the keys in KNOT_CLIENT_ID/KNOT_SECRET");
        } else {
            banner.add(" Knot:       NOT CONFIGURED (KNOT_CLIENT_ID/KNOT_SECRET unset): POST /knot/session answers 500");
        }
    }

    /**
     * The development card platform, run in this process behind a stand-in of Lambda's Invoke API
     * so the service calls it as it calls the issuer's deployed function. Every local cardholder
     * holds the test card {@value #LOCAL_CARD}. It refuses Knot production, as deployed.
     */
    private void startCardPlatform(EnvironmentSecrets secrets, Map<String, String> settings) {
        KnotEnvironment knot = settings.containsKey("KNOT_SECRET_ARN")
                ? KnotCredentials.parse(secrets.secretString(EnvironmentSecrets.KNOT)).environment()
                : KnotEnvironment.DEVELOPMENT;
        DevelopmentCardPlatformFunction platform = new DevelopmentCardPlatformFunction(
                new DevelopmentCardPlatform(Map.of("*", List.of(LOCAL_CARD)), knot));
        LambdaInvokeSimulator lambda = LambdaInvokeSimulator.start();
        resources.add(lambda);
        lambda.deployStreamHandler("dev-card-platform", (payload, answer) -> platform.handleRequest(payload, answer, null));
        lambdaClient = LambdaClient.builder().endpointOverride(lambda.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        resources.add(lambdaClient);
        settings.put("CARD_PLATFORM_FUNCTION", "dev-card-platform");
        // Webhooks reach a local run from this machine, not from Knot's address: the allow-list is off here.
        settings.putIfAbsent("KNOT_WEBHOOK_SOURCE_CIDRS", "");
        banner.add(" Cards:      the DEVELOPMENT card platform (test card " + LOCAL_CARD + " for every cardholder),"
                + " in this process behind a Lambda Invoke stand-in; Knot webhooks from any address");
    }

    /** The template's table in a DynamoDB emulator: AWS_ENDPOINT_URL's, else moto_server started here. */
    private String startTable(SamTemplate template) {
        URI endpoint;
        String description;
        Optional<String> configured = options.env("AWS_ENDPOINT_URL");
        if (configured.isPresent()) {
            endpoint = URI.create(configured.get());
            description = "the emulator at AWS_ENDPOINT_URL " + endpoint;
        } else {
            Path executable = MotoServer.executable().orElseThrow(() -> new IllegalStateException("""
                    no DynamoDB emulator. Do one of:
                      - install moto's server so that moto_server is on the PATH: pip install 'moto[server]'
                      - set AWS_ENDPOINT_URL to a running emulator (LocalStack, moto, or DynamoDB Local under its own licence)"""));
            MotoServer moto = MotoServer.start(executable, Duration.ofSeconds(60));
            resources.add(moto);
            endpoint = moto.endpoint();
            description = "moto_server started at " + endpoint;
        }
        // Dummy keys on purpose: an endpoint that turned out to be real AWS refuses them.
        dynamoClient = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(options.env("AWS_REGION").orElse("us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        resources.add(dynamoClient);
        String table = "plaid-knot-local-" + HexFormat.of().formatHex(bytes(4));
        TokensTable.create(dynamoClient, template, table);
        banner.add(" DynamoDB:   table " + table + " (template.yaml's TokensTable) in " + description
                + "; records last as long as this server");
        return table;
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> instantiate(String className,
                                                                                              Wiring wiring) {
        try {
            return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>)
                    Class.forName(className).getConstructor(Wiring.class).newInstance(wiring);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("template.yaml names handler " + className
                    + ", which is not a RequestHandler with a (Wiring) constructor", e);
        }
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    // ---- serving ------------------------------------------------------------------------------

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                sendGatewayError(exchange, 413, "Request Entity Too Large");
                return;
            }
            Optional<RouteTable.Match> match = routes.match(method, rawPath);
            Optional<FrontendFiles.File> file = match.isEmpty() && method.equals("GET")
                    ? frontend.get(rawPath) : Optional.empty();
            if (match.isPresent()) {
                invoke(exchange, match.get(), body);
            } else if (file.isPresent()) {
                send(exchange, 200, file.get().contentType(), file.get().bytes());
            } else if (method.equals("POST") && rawPath.equals(CardSwitcherStandIn.PATH) && knotSimulator != null) {
                LinkStandIn.Answer answer = new CardSwitcherStandIn(knotSimulator).login(body);
                send(exchange, answer.status(), "application/json", answer.body());
            } else if (method.equals("POST") && rawPath.equals(LinkStandIn.PATH) && linkStandIn != null) {
                LinkStandIn.Answer answer = linkStandIn.complete(body);
                send(exchange, answer.status(), "application/json", answer.body());
            } else {
                sendGatewayError(exchange, 404, "Not Found");
            }
        }
    }

    private void invoke(HttpExchange exchange, RouteTable.Match match, byte[] body) throws IOException {
        Route route = match.route();
        Optional<String> subject = Optional.empty();
        if (route.authorized()) {
            String chosen = exchange.getRequestHeaders().getFirst("X-Local-User");
            if (chosen != null && !LocalOptions.USER_ID.matcher(chosen).matches()) {
                sendGatewayError(exchange, 401, "Unauthorized");
                return;
            }
            subject = Optional.of(chosen != null ? chosen : options.defaultUser());
        }
        HttpApiEvents.HttpRequest request = new HttpApiEvents.HttpRequest(exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(), body, exchange.getRemoteAddress().getAddress().getHostAddress());
        APIGatewayV2HTTPResponse response;
        try {
            response = handlers.get(route.functionId()).handleRequest(HttpApiEvents.from(request, match, subject),
                    new LocalContext(route.functionId(), route.timeoutSeconds()));
        } catch (RuntimeException e) {
            // What API Gateway answers when the function fails; the class only, as a Lambda error log would.
            System.err.println("[local] " + route.routeKey() + " threw " + e.getClass().getName());
            sendGatewayError(exchange, 500, "Internal Server Error");
            return;
        }
        send(exchange, response);
    }

    private static void send(HttpExchange exchange, APIGatewayV2HTTPResponse response) throws IOException {
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie));
        }
        byte[] bytes = response.getBody() == null ? new byte[0]
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(StandardCharsets.UTF_8);
        sendBytes(exchange, response.getStatusCode(), bytes);
    }

    private static void sendGatewayError(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "application/json", ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        sendBytes(exchange, status, body);
    }

    private static void sendBytes(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (status == 204 || body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("[local] closing " + resources.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        resources.clear();
    }
}
