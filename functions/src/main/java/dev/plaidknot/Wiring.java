package dev.plaidknot;

import dev.plaidknot.cardplatform.CardPlatform;
import dev.plaidknot.cardplatform.LambdaCardPlatform;
import dev.plaidknot.cardswitch.CardSwitches;
import dev.plaidknot.cardswitch.KnotSessions;
import dev.plaidknot.cardswitch.WebhookSources;
import dev.plaidknot.config.Misconfiguration;
import dev.plaidknot.config.Settings;
import dev.plaidknot.knot.KnotApiGateway;
import dev.plaidknot.knot.KnotCredentials;
import dev.plaidknot.link.ItemRemoval;
import dev.plaidknot.link.LinkTokenService;
import dev.plaidknot.link.ProcessorTokenIssuer;
import dev.plaidknot.link.PublicTokenExchange;
import dev.plaidknot.link.SandboxPublicTokens;
import dev.plaidknot.plaid.PlaidApiGateway;
import dev.plaidknot.plaid.PlaidClients;
import dev.plaidknot.plaid.PlaidCredentials;
import dev.plaidknot.secrets.CachedSecret;
import dev.plaidknot.secrets.SecretSource;
import dev.plaidknot.secrets.SecretsManagerSource;
import dev.plaidknot.upstream.RetryPolicy;
import dev.plaidknot.vault.CardSwitchRecords;
import dev.plaidknot.vault.DynamoCardSwitchRecords;
import dev.plaidknot.vault.DynamoExchangeLedger;
import dev.plaidknot.vault.DynamoTokenVault;
import dev.plaidknot.vault.KmsTokenCipher;
import dev.plaidknot.vault.TokenCipher;
import dev.plaidknot.vault.TokenVault;
import dev.plaidknot.webhook.ItemWebhooks;
import dev.plaidknot.webhook.PlaidWebhookVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The composition root: builds each service and its collaborators once per execution
 * environment, on first use, so a function builds only what its route uses (the link-token
 * function builds its vault only for an update-mode request). Handlers take a Wiring, so tests
 * and the local server hand in real clients pointed at emulators. What a cold start does with
 * what is built (keys fetched ahead, connections opened, SnapStart hooks) is the startup
 * package's, told through a {@link Listener}.
 */
public final class Wiring {

    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    /**
     * Told of each thing the wiring builds that a cold start can prepare ahead of a request. All
     * but {@link #fetchesKeysAhead} do nothing by default, as for tests and the local server.
     */
    public interface Listener {

        /**
         * One that does nothing, for tests and the local server. A method, not a constant: a
         * deployed function never loads it.
         */
        static Listener none() {
            return new Listener() {
            };
        }

        /** A key cache: fetching the key is a first request's slowest step. */
        default void secretCached(CachedSecret<?> secret) {
        }

        /** An HTTP upstream's client, which will call {@code baseUrl} (it can depend on the keys). */
        default void upstreamClientBuilt(String upstream, OkHttpClient http, Supplier<String> baseUrl) {
        }

        /** An AWS client; {@code resolveCredentials} resolves what it signs with, calling no API. */
        default void awsClientBuilt(Runnable resolveCredentials) {
        }

        /**
         * The source keys are fetched from; {@code resolveCredentials} as for an AWS client. Its
         * first fetch resolves them anyway, so there is nothing to do ahead of it at init.
         */
        default void keySourceBuilt(Runnable resolveCredentials) {
        }

        /** The Plaid client; {@code resolveOperations} readies its operations, holding no key and sending nothing. */
        default void plaidClientBuilt(Runnable resolveOperations) {
        }

        /**
         * True when each key is fetched on another thread the moment its cache is built: the
         * Secrets Manager client is then built by that first fetch, on that thread, rather than
         * here with the gateway.
         */
        default boolean fetchesKeysAhead() {
            return false;
        }
    }

    /**
     * Where keys, records and encryption come from. Each is built on first use only, so a function
     * that never touches one never builds its client.
     */
    public record Backends(Supplier<SecretSource> secrets, Supplier<DynamoDbClient> dynamo,
                           Supplier<TokenCipher> cipher, Supplier<LambdaClient> lambda) {

        /**
         * A deployed function's: Secrets Manager, DynamoDB, KMS (the key named by TOKEN_KEY_ID) and
         * Lambda (to invoke the card platform).
         */
        public static Backends aws(Settings settings, Supplier<SecretsManagerClient> secretsManager,
                                   Supplier<DynamoDbClient> dynamo, Supplier<KmsClient> kms,
                                   Supplier<LambdaClient> lambda) {
            return new Backends(() -> new SecretsManagerSource(secretsManager.get()), dynamo, () -> {
                // The setting first: a missing key id must fail before a KMS client is built.
                String keyId = settings.tokenKeyId();
                return new KmsTokenCipher(kms.get(), keyId, settings.storeCallTimeout());
            }, lambda);
        }
    }

    private final Settings settings;
    private final Listener listener;
    private final Clock clock = Clock.systemUTC();
    private final Once<SecretSource> secretSource;
    private final Once<DynamoDbClient> dynamo;
    private final Once<TokenCipher> cipher;
    private final Once<LambdaClient> lambda;

    private final Once<PlaidApiGateway> plaidGateway = new Once<>(this::buildPlaidGateway);
    private final Once<TokenVault> tokenVault = new Once<>(this::buildTokenVault);
    private final Once<LinkTokenService> linkTokenService = new Once<>(this::buildLinkTokenService);
    private final Once<PublicTokenExchange> publicTokenExchange = new Once<>(this::buildPublicTokenExchange);
    private final Once<ItemRemoval> itemRemoval = new Once<>(() -> new ItemRemoval(plaidGateway.get(), tokenVault.get()));
    private final Once<SandboxPublicTokens> sandboxPublicTokens = new Once<>(() ->
            new SandboxPublicTokens(plaidGateway.get(), settings().plaidProducts(), settings().plaidWebhookUrl()));
    private final Once<PlaidWebhookVerifier> plaidWebhookVerifier =
            new Once<>(() -> new PlaidWebhookVerifier(plaidGateway.get(), clock));
    private final Once<ItemWebhooks> itemWebhooks = new Once<>(() -> new ItemWebhooks(tokenVault.get(), plaidGateway.get(), clock));
    private final Once<KnotApiGateway> knotGateway = new Once<>(this::buildKnotGateway);
    private final Once<CardPlatform> cardPlatform = new Once<>(this::buildCardPlatform);
    private final Once<CardSwitchRecords> cardSwitchRecords = new Once<>(this::buildCardSwitchRecords);
    private final Once<KnotSessions> knotSessions = new Once<>(() -> new KnotSessions(knotGateway.get(),
            tokenVault.get(), cardPlatform.get(), cardSwitchRecords.get(), clock));
    private final Once<CardSwitches> cardSwitches = new Once<>(this::buildCardSwitches);


    public Wiring(Settings settings, Supplier<SecretsManagerClient> secretsManager, Supplier<DynamoDbClient> dynamo,
                  Supplier<KmsClient> kms, Supplier<LambdaClient> lambda) {
        this(settings, Backends.aws(settings, secretsManager, dynamo, kms, lambda));
    }

    public Wiring(Settings settings, Backends backends) {
        this(settings, backends, Listener.none());
    }

    public Wiring(Settings settings, Backends backends, Listener listener) {
        this.settings = settings;
        this.listener = listener;
        this.secretSource = new Once<>(() -> {
            SecretSource source = backends.secrets().get();
            listener.keySourceBuilt(source::resolveCredentials);
            return source;
        });
        this.dynamo = awsClient(backends.dynamo());
        this.cipher = new Once<>(backends.cipher());
        this.lambda = awsClient(backends.lambda());
    }

    /** An AWS client built on first use, the listener told how to resolve what it signs with. */
    private <C extends AwsClient> Once<C> awsClient(Supplier<C> build) {
        return new Once<>(() -> {
            C client = build.get();
            listener.awsClientBuilt(() -> client.serviceClientConfiguration().credentialsProvider().resolveIdentity().join());
            return client;
        });
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Builds a service now, as a handler does while the function initializes (where it costs no
     * request anything and lands in a SnapStart snapshot). A missing or wrong setting is logged and
     * left for the first request to report in the API's error shape, rather than failing init with
     * a bare Lambda error.
     */
    public <T> Supplier<T> builtAtInit(Supplier<T> service) {
        try {
            service.get();
        } catch (Misconfiguration e) {
            LOG.atError().addKeyValue("reason", e.getMessage()).log("misconfigured at init");
        }
        return service;
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

    public ItemRemoval itemRemoval() {
        return itemRemoval.get();
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

    public CardSwitches cardSwitches() {
        return cardSwitches.get();
    }

    private LinkTokenService buildLinkTokenService() {
        return new LinkTokenService(plaidGateway.get(), tokenVault, settings.plaidClientName(), settings.plaidProducts(),
                settings.plaidCountryCodes(), settings.plaidLanguage(), settings.plaidWebhookUrl());
    }

    private PublicTokenExchange buildPublicTokenExchange() {
        PlaidApiGateway plaid = plaidGateway.get();
        TokenVault vault = tokenVault.get();
        return new PublicTokenExchange(plaid, vault, new ProcessorTokenIssuer(plaid, vault),
                new DynamoExchangeLedger(dynamo.get(), settings.tokensTable(), clock), clock, settings.plaidTimeout());
    }

    private PlaidApiGateway buildPlaidGateway() {
        // Settings first: a missing one must fail before any client is built.
        String secretArn = settings.plaidSecretArn();
        Duration timeout = settings.plaidTimeout();
        var baseUrl = settings.plaidBaseUrl();
        CachedSecret<PlaidCredentials> secret = cachedSecret(secretArn, PlaidCredentials::parse);
        OkHttpClient http = upstreamHttp(timeout);
        PlaidClients clients = new PlaidClients(http, secret, baseUrl);
        listener.upstreamClientBuilt("plaid", http, clients::baseUrl);
        PlaidApiGateway gateway = new PlaidApiGateway(clients, timeout, RetryPolicy.standard());
        listener.plaidClientBuilt(gateway::resolveOperations);
        return gateway;
    }

    private KnotApiGateway buildKnotGateway() {
        String secretArn = settings.knotSecretArn();
        Duration timeout = settings.knotTimeout();
        var baseUrl = settings.knotBaseUrl();
        CachedSecret<KnotCredentials> secret = cachedSecret(secretArn, KnotCredentials::parse);
        OkHttpClient http = upstreamHttp(timeout);
        KnotApiGateway knot = new KnotApiGateway(http, secret, baseUrl, timeout, RetryPolicy.standard());
        listener.upstreamClientBuilt("knot", http, knot::baseUrl);
        return knot;
    }

    private CardPlatform buildCardPlatform() {
        String function = settings.cardPlatformFunction();
        return new LambdaCardPlatform(lambda.get(), function, settings.cardPlatformTimeout());
    }

    private CardSwitchRecords buildCardSwitchRecords() {
        return new DynamoCardSwitchRecords(dynamo.get(), settings.tokensTable(), clock);
    }

    private CardSwitches buildCardSwitches() {
        WebhookSources sources = WebhookSources.parse(settings.knotWebhookSourceCidrs());
        return new CardSwitches(knotGateway.get(), cardPlatform.get(), cardSwitchRecords.get(), sources, clock);
    }

    /**
     * A key, fetched when first needed and kept for SECRET_CACHE_SECONDS. When the listener fetches
     * keys ahead, the Secrets Manager source is built by that first fetch; otherwise here, with the
     * gateway, so a SnapStart snapshot holds it and the restore only fetches.
     */
    private <T> CachedSecret<T> cachedSecret(String secretArn, java.util.function.Function<String, T> parse) {
        SecretSource source = listener.fetchesKeysAhead()
                ? secretId -> secretSource.get().secretString(secretId)
                : secretSource.get();
        CachedSecret<T> secret = new CachedSecret<>(source, secretArn, settings.secretCacheTtl(), parse, clock);
        listener.secretCached(secret);
        return secret;
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
        return new DynamoTokenVault(dynamo.get(), table, tokenCipher, clock, settings.storeCallTimeout());
    }

    /** A value built on first use and kept. */
    private static final class Once<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Once(Supplier<T> factory) {
            this.factory = factory;
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
