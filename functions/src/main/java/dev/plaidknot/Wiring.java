package dev.plaidknot;

import dev.plaidknot.upstream.RetryPolicy;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.config.Settings;
import dev.plaidknot.knot.KnotApiGateway;
import dev.plaidknot.knot.KnotCredentials;
import dev.plaidknot.knot.KnotSessions;
import dev.plaidknot.link.LinkTokenService;
import dev.plaidknot.link.LinkedItems;
import dev.plaidknot.link.ProcessorTokenIssuer;
import dev.plaidknot.link.PublicTokenExchange;
import dev.plaidknot.link.SandboxPublicTokens;
import dev.plaidknot.observability.Telemetry;
import dev.plaidknot.observability.UpstreamTimingInterceptor;
import dev.plaidknot.plaid.PlaidApiGateway;
import dev.plaidknot.plaid.PlaidClients;
import dev.plaidknot.plaid.PlaidCredentials;
import dev.plaidknot.plaid.PlaidGateway;
import dev.plaidknot.secrets.CachedSecret;
import dev.plaidknot.secrets.SecretSource;
import dev.plaidknot.secrets.SecretsManagerSource;
import dev.plaidknot.snapstart.Preconnect;
import dev.plaidknot.snapstart.SnapStartPriming;
import dev.plaidknot.vault.DynamoExchangeLedger;
import dev.plaidknot.vault.DynamoTokenVault;
import dev.plaidknot.vault.KmsTokenCipher;
import dev.plaidknot.vault.TokenCipher;
import dev.plaidknot.vault.TokenVault;
import dev.plaidknot.webhook.ItemWebhooks;
import dev.plaidknot.webhook.PlaidWebhookVerifier;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds each collaborator once per execution environment, and only those a function uses: the
 * link-token function builds its DynamoDB and KMS clients only for an update-mode request. Handlers take a Wiring so tests can
 * hand in real clients pointed at emulators.
 */
public final class Wiring {

    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    private static final class Shared {
        static final Wiring INSTANCE = new Wiring(Settings.fromEnvironment(),
                AwsClients::secretsManager, AwsClients::dynamo, AwsClients::kms);
        /** Registered with the wiring's class init, held strongly so the runtime's context keeps it. */
        static final SnapStartPriming PRIMING = SnapStartPriming.register(INSTANCE);
    }

    /** How long init waits for its warm-up: a slow Secrets Manager must not spend Lambda's 10 s of init. */
    static final Duration INIT_WARM_UP_BOUND = Duration.ofSeconds(3);
    /**
     * Runs each step of the init warm-up on a fresh daemon thread (the steps are chained, so one
     * at a time): nothing idles once init has warmed up, and nothing keeps the JVM alive.
     */
    private static final Executor INIT_WARM_UP_THREAD =
            step -> Thread.ofPlatform().name("init-warm-up").daemon().start(step);

    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    /**
     * At an on-demand or provisioned-concurrency init, what the first request would do first (fetch
     * the keys, resolve the AWS credentials, open a connection to Plaid and Knot) runs on a
     * background thread while init goes on building the clients, instead of on the cardholder's
     * request: the Secrets Manager call and the handshakes are network waits, and loading their
     * classes can use a second core while init loads others. Init waits for it before it ends
     * ({@link #buildAtInit}). Never at a SnapStart init (a snapshot must not hold a key; the
     * restore hook does the same after each restore), nor outside Lambda (tests build wirings
     * freely). Best effort: a step that fails is logged by its failure's class only and left for
     * the first request, which does it again and reports a failure in the API's shape.
     */
    private final boolean warmsUpDuringInit;
    /** The init warm-up's steps so far, chained; guarded by this. */
    private CompletableFuture<Void> initWarmUp = CompletableFuture.completedFuture(null);
    private final List<CachedSecret<?>> secrets = new CopyOnWriteArrayList<>();
    private final List<Preconnect> preconnects = new CopyOnWriteArrayList<>();
    private final Once<SecretSource> secretSource;
    private final Once<DynamoDbClient> dynamo;
    private final Once<TokenCipher> cipher;

    private final Once<PlaidApiGateway> plaidGateway = new Once<>(this::buildPlaidGateway);
    private final Once<TokenVault> tokenVault = new Once<>(this::buildTokenVault);
    private final Once<LinkTokenService> linkTokenService = new Once<>(this::buildLinkTokenService);
    private final Once<PublicTokenExchange> publicTokenExchange = new Once<>(this::buildPublicTokenExchange);
    private final Once<LinkedItems> linkedItems = new Once<>(() -> new LinkedItems(plaidGateway.get(), tokenVault.get()));
    private final Once<SandboxPublicTokens> sandboxPublicTokens = new Once<>(this::buildSandboxPublicTokens);
    private final Once<PlaidWebhookVerifier> plaidWebhookVerifier =
            new Once<>(() -> new PlaidWebhookVerifier(plaidGateway.get(), clock));
    private final Once<ItemWebhooks> itemWebhooks = new Once<>(() -> new ItemWebhooks(tokenVault.get(), plaidGateway.get(), clock));
    private final Once<KnotSessions> knotSessions = new Once<>(this::buildKnotSessions);

    /**
     * Where keys, records and encryption come from. Each is built on first use only, so a function
     * that never touches one never builds its client.
     */
    public record Backends(Supplier<SecretSource> secrets, Supplier<DynamoDbClient> dynamo,
                           Supplier<TokenCipher> cipher) {
    }

    /** A deployed function's wiring: Secrets Manager, DynamoDB and KMS (the key named by TOKEN_KEY_ID). */
    public Wiring(Settings settings, Supplier<SecretsManagerClient> secretsManager,
                  Supplier<DynamoDbClient> dynamo, Supplier<KmsClient> kms) {
        this(settings, new Backends(() -> new SecretsManagerSource(secretsManager.get()), dynamo, () -> {
            // The setting first: a missing key id must fail before a KMS client is built.
            String keyId = settings.tokenKeyId();
            return new KmsTokenCipher(kms.get(), keyId, settings.storeCallTimeout());
        }));
    }

    public Wiring(Settings settings, Backends backends) {
        this.settings = settings;
        this.warmsUpDuringInit = settings.initializationType()
                .filter(type -> type.equals("on-demand") || type.equals("provisioned-concurrency")).isPresent();
        this.secretSource = new Once<>(backends.secrets());
        this.dynamo = new Once<>(backends.dynamo());
        this.cipher = new Once<>(backends.cipher());
    }

    /**
     * The same classes wired to a loopback stand-in for Plaid, Knot and AWS, with made-up keys and
     * this wiring's Plaid request settings: for the SnapStart priming walk only, so it runs real
     * code, sends what this function sends, and reaches nothing real.
     */
    public Wiring primingTwin(URI loopback) {
        Map<String, String> env = new HashMap<>(Map.of("PLAID_SECRET_ARN", "priming-plaid",
                "KNOT_SECRET_ARN", "priming-knot", "TOKENS_TABLE", "priming", "PLAID_BASE_URL", loopback.toString(),
                "KNOT_BASE_URL", loopback.toString(), "PLAID_CLIENT_NAME", "Priming"));
        env.putAll(settings.plaidRequestSettings());
        return new Wiring(new Settings(env), new Backends(
                () -> new SecretsManagerSource(AwsClients.atStandIn(SecretsManagerClient.builder(), loopback)),
                () -> AwsClients.atStandIn(DynamoDbClient.builder(), loopback),
                () -> new KmsTokenCipher(AwsClients.atStandIn(KmsClient.builder(), loopback), "priming",
                        settings.storeCallTimeout())));
    }

    /** The execution environment's wiring, from its environment variables and the default AWS chain. */
    public static Wiring shared() {
        return Shared.INSTANCE;
    }

    /**
     * After a SnapStart restore: fetches the keys of the gateways this function built, now, in the
     * restore hook rather than on the first request. A failure is left for that request to meet
     * (and report in the API's error shape), so a restore never fails for it.
     */
    public void refetchSecrets() {
        for (CachedSecret<?> secret : secrets) {
            secret.invalidate();
            bestEffort(secret::get, "secret not fetched after restore");
        }
    }

    /**
     * Before a SnapStart snapshot and after its restore: resolves the AWS credentials of the
     * clients this function built (Secrets Manager's, DynamoDB's; KMS's shares the chain), fetching
     * and calling nothing. Before the snapshot, so the default chain is built and its classes are
     * in the snapshot (credentials it caches there are fine: they are refreshed when stale); after
     * the restore, so neither the key fetch in the same hook nor a cardholder's first request
     * walks it (the item list holds no key, so its first request would). On Lambda this reads the
     * environment or the runtime's local credentials endpoint, never an AWS API. Best effort: a
     * failure is the first request's to meet.
     */
    public void resolveAwsCredentials() {
        secretSource.ifBuilt().ifPresent(source -> bestEffort(source::resolveCredentials,
                "AWS credentials not resolved"));
        dynamo.ifBuilt().ifPresent(client -> bestEffort(() -> resolveCredentials(client),
                "AWS credentials not resolved"));
    }

    private static void resolveCredentials(DynamoDbClient client) {
        client.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
    }

    /**
     * Before a SnapStart snapshot: resolves the Plaid client's operations for every host the keys
     * could pick, without a key or a call to Plaid ({@link PlaidApiGateway#resolveOperations}), so
     * neither the restore nor the first request after it does. Best effort, as every hook step.
     */
    public void resolvePlaidOperations() {
        plaidGateway.ifBuilt().ifPresent(gateway -> bestEffort(gateway::resolveOperations,
                "plaid operations not resolved before the snapshot"));
    }

    /** One step of a SnapStart hook: a failure is logged by its class only and left for the first request. */
    private static void bestEffort(Runnable step, String failureMessage) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("failure", e.getClass().getSimpleName()).log(failureMessage);
        }
    }

    /**
     * After a SnapStart restore, once the keys are back: opens a connection to each upstream this
     * function built (Plaid, Knot), so the first request finds it open. Best effort, bounded, and
     * without keys or an API call; a host that does not answer is left for the first request.
     */
    public void openUpstreamConnections() {
        for (Preconnect preconnect : preconnects) {
            open(preconnect, "upstream connection after restore");
        }
    }

    private static void open(Preconnect preconnect, String message) {
        long started = System.nanoTime();
        boolean opened = preconnect.open();
        LOG.atInfo().addKeyValue("upstream", preconnect.upstream()).addKeyValue("opened", opened)
                .addKeyValue("duration_ms", Telemetry.millis(System.nanoTime() - started)).log(message);
    }

    /**
     * Queues a step of the init warm-up ({@link #warmsUpDuringInit}); does nothing at any other
     * init. Gateways are built at init (each handler builds its service early), except the
     * link-token function's vault, built on its first update-mode request: its step then merely
     * runs beside that request.
     */
    private synchronized void duringInit(Runnable step, String failureMessage) {
        if (warmsUpDuringInit) {
            initWarmUp = initWarmUp.thenRunAsync(() -> bestEffort(step, failureMessage), INIT_WARM_UP_THREAD);
        }
    }

    /**
     * Waits, at most {@code timeout}, for the init warm-up's steps queued so far; true once they
     * have all ended (at once when there are none). Init waits on this; a request never does, and
     * meets a step still running only where it needs the same thing (a key being fetched).
     */
    public boolean awaitInitWarmUp(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> queued;
        synchronized (this) {
            queued = initWarmUp;
        }
        try {
            queued.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an init warm-up step failed", e.getCause());
        }
    }

    /**
     * Builds a handler's services during the function's init, where they cost nothing on a request
     * and land in the SnapStart snapshot, then lets the init warm-up finish (bounded): a step left
     * running when init ends would be frozen with the environment mid-call when no request is
     * waiting (Lambda may initialize ahead of traffic). A misconfiguration is logged and left for
     * the first request to report in the API's error shape, rather than failing init with a bare
     * Lambda error.
     */
    public void buildAtInit(Supplier<?>... services) {
        for (Supplier<?> service : services) {
            try {
                service.get();
            } catch (Misconfiguration e) {
                LOG.atError().addKeyValue("reason", e.getMessage()).log("misconfigured at init");
            }
        }
        try {
            if (!awaitInitWarmUp(INIT_WARM_UP_BOUND)) {
                LOG.atWarn().log("init warm-up still running as init ends");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // A step failed past its best effort (an Error): the first request meets the cause itself.
            LOG.atWarn().addKeyValue("failure", e.getCause().getClass().getSimpleName()).log("init warm-up failed");
        }
    }

    public LinkTokenService linkTokenService() {
        return linkTokenService.get();
    }

    public PublicTokenExchange publicTokenExchange() {
        return publicTokenExchange.get();
    }

    public TokenVault tokenVault() {
        return tokenVault.get();
    }

    public LinkedItems linkedItems() {
        return linkedItems.get();
    }

    public SandboxPublicTokens sandboxPublicTokens() {
        return sandboxPublicTokens.get();
    }

    public PlaidWebhookVerifier plaidWebhookVerifier() {
        return plaidWebhookVerifier.get();
    }

    public ItemWebhooks itemWebhooks() {
        return itemWebhooks.get();
    }

    public KnotSessions knotSessions() {
        return knotSessions.get();
    }

    private KnotSessions buildKnotSessions() {
        String secretArn = settings.knotSecretArn();
        Duration timeout = settings.knotTimeout();
        var baseUrl = settings.knotBaseUrl();
        CachedSecret<KnotCredentials> secret = new CachedSecret<>(keySource(), secretArn,
                settings.secretCacheTtl(), KnotCredentials::parse, clock);
        secrets.add(secret);
        duringInit(secret::get, "secret not fetched at init");
        OkHttpClient http = upstreamHttp(timeout);
        KnotApiGateway knot = new KnotApiGateway(http, secret, baseUrl, timeout, RetryPolicy.standard());
        Preconnect preconnect = new Preconnect("knot", http, knot::baseUrl);
        preconnects.add(preconnect);
        duringInit(() -> open(preconnect, "upstream connection at init"), "upstream connection not opened at init");
        return new KnotSessions(knot, tokenVault.get());
    }

    private SandboxPublicTokens buildSandboxPublicTokens() {
        return new SandboxPublicTokens(plaidGateway.get(), settings.plaidProducts(), settings.plaidWebhookUrl());
    }

    private LinkTokenService buildLinkTokenService() {
        return new LinkTokenService(plaidGateway.get(), tokenVault, settings.plaidClientName(), settings.plaidProducts(),
                settings.plaidCountryCodes(), settings.plaidLanguage(), settings.plaidWebhookUrl());
    }

    private PublicTokenExchange buildPublicTokenExchange() {
        PlaidGateway plaid = plaidGateway.get();
        TokenVault vault = tokenVault.get();
        return new PublicTokenExchange(plaid, vault, new ProcessorTokenIssuer(plaid, vault),
                new DynamoExchangeLedger(dynamo.get(), settings.tokensTable(), clock), clock, settings.plaidTimeout());
    }

    private PlaidApiGateway buildPlaidGateway() {
        // Settings first: a missing one must fail before any client is built.
        String secretArn = settings.plaidSecretArn();
        Duration timeout = settings.plaidTimeout();
        Duration secretTtl = settings.secretCacheTtl();
        var baseUrl = settings.plaidBaseUrl();
        CachedSecret<PlaidCredentials> secret =
                new CachedSecret<>(keySource(), secretArn, secretTtl, PlaidCredentials::parse, clock);
        secrets.add(secret);
        // First, so the key is on its way while this thread builds the client.
        duringInit(secret::get, "secret not fetched at init");
        OkHttpClient http = upstreamHttp(timeout);
        PlaidClients clients = new PlaidClients(http, secret, baseUrl);
        Preconnect preconnect = new Preconnect("plaid", http, clients::baseUrl);
        preconnects.add(preconnect);
        duringInit(() -> open(preconnect, "upstream connection at init"), "upstream connection not opened at init");
        return new PlaidApiGateway(clients, timeout, RetryPolicy.standard());
    }

    /** The HTTP client of one upstream (Plaid or Knot): built once, its pool reused across requests. */
    private static OkHttpClient upstreamHttp(Duration timeout) {
        return new OkHttpClient.Builder()
                .connectTimeout(Math.min(timeout.toMillis(), 3_000), TimeUnit.MILLISECONDS)
                // Each call sets its own whole-call timeout from the request's budget; these only bound a socket.
                .readTimeout(Duration.ofSeconds(30))
                .writeTimeout(Duration.ofSeconds(30))
                .callTimeout(timeout)
                // A silent transport retry could send the one-time exchange twice.
                .retryOnConnectionFailure(false)
                .build();
    }

    private TokenVault buildTokenVault() {
        String table = settings.tokensTable();
        TokenCipher tokenCipher = cipher.get();
        DynamoDbClient client = dynamo.get();
        duringInit(() -> resolveCredentials(client), "AWS credentials not resolved at init");
        return new DynamoTokenVault(client, table, tokenCipher, clock, settings.storeCallTimeout());
    }

    /**
     * Where a gateway's key comes from. At an on-demand init the source (the Secrets Manager
     * client) is built by the first fetch, the warm-up's, so on its thread; at any other init it is
     * built here, with the gateway, so a SnapStart snapshot holds it and the restore hook only
     * fetches.
     */
    private SecretSource keySource() {
        return warmsUpDuringInit ? secretId -> secretSource.get().secretString(secretId) : secretSource.get();
    }

    /** The AWS clients of a deployed function: URL-connection HTTP, short timeouts, region from Lambda. */
    static final class AwsClients {
        private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
        private static final ClientOverrideConfiguration TIMEOUTS = ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(Duration.ofSeconds(3))
                .apiCallTimeout(Duration.ofSeconds(8))
                .addExecutionInterceptor(new UpstreamTimingInterceptor())
                .build();

        /**
         * The default chain, one for all of a function's clients (each client would otherwise build
         * its own), so the restore hook resolves it once for all of them.
         */
        private static final AwsCredentialsProvider CREDENTIALS = DefaultCredentialsProvider.builder().build();
        private static final AwsCredentialsProvider PRIMING_KEYS =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));

        static SecretsManagerClient secretsManager() {
            return built(SecretsManagerClient.builder().credentialsProvider(CREDENTIALS));
        }

        static DynamoDbClient dynamo() {
            return built(DynamoDbClient.builder().credentialsProvider(CREDENTIALS));
        }

        static KmsClient kms() {
            return built(KmsClient.builder().credentialsProvider(CREDENTIALS));
        }

        /** A client with this HTTP client and these timeouts; the builder brings anything else. */
        static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C built(B builder) {
            return builder.httpClient(HTTP).overrideConfiguration(TIMEOUTS).build();
        }

        /** The same client pointed at the priming stand-in, signing with made-up keys. */
        static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C atStandIn(B builder, URI standIn) {
            return built(builder.endpointOverride(standIn).region(Region.US_EAST_1).credentialsProvider(PRIMING_KEYS));
        }
    }

    /** A value built on first use and kept. */
    private static final class Once<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Once(Supplier<T> factory) {
            this.factory = factory;
        }

        /** The value if it was built; never builds it. */
        Optional<T> ifBuilt() {
            return Optional.ofNullable(value);
        }

        @Override
        public T get() {
            T current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        current = factory.get();
                        value = current;
                    }
                }
            }
            return current;
        }
    }
}
