package iru.launcher;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import iru.application.apikey.ApiKeys;
import iru.application.catalog.CatalogFeed;
import iru.application.catalog.CatalogSync;
import iru.application.catalog.CatalogUnavailableException;
import iru.application.event.SecurityEvents;
import iru.application.identity.ApplicationDirectory;
import iru.application.identity.GroupDirectory;
import iru.application.identity.TenantTransactions;
import iru.application.identity.UserDirectory;
import iru.application.operator.OperatorRequestNonces;
import iru.application.signing.SealedKeyRewrap;
import iru.application.signing.SigningKeys;
import iru.application.passkey.PasskeyFeature;
import iru.application.session.ExpiredSignInStateSweeper;
import iru.application.session.Sessions;
import iru.application.oauth.ClientAssertions;
import iru.application.oauth.OAuthClients;
import iru.application.oauth.OidcProvider;
import iru.application.provisioning.OutboxQueue;
import iru.application.provisioning.ProvisioningDelivery;
import iru.application.provisioning.ProvisioningFailures;
import iru.application.provisioning.ProvisioningFanOut;
import iru.application.provisioning.ProvisioningWorkers;
import iru.application.tenant.TenantLifecycle;
import iru.application.tenant.TenantProfile;
import iru.application.tenant.TenantRelyingParties;
import iru.application.tenant.CredentialChanges;
import iru.application.tenant.TenantResolver;
import iru.domain.apikey.ApiKeyRepository;
import iru.domain.application.ApplicationRepository;
import iru.domain.application.ScimEndpointRule;
import iru.domain.catalog.CatalogRepository;
import iru.domain.event.SecurityEventLog;
import iru.domain.group.GroupRepository;
import iru.domain.operator.RequestNonceLedger;
import iru.domain.signing.SigningKeyRepository;
import iru.domain.passkey.CeremonyStore;
import iru.domain.provisioning.ProvisioningOutbox;
import iru.domain.session.SessionRepository;
import iru.domain.oauth.OAuthClientRepository;
import iru.domain.oauth.OAuthGrantRepository;
import iru.domain.tenant.CredentialChangeNotices;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantRecords;
import iru.domain.user.UserRepository;
import iru.foundation.config.IruConfig;
import iru.foundation.config.OidcSettings;
import iru.foundation.crypto.EnvelopeEncryption;
import iru.foundation.config.SignInSettings;
import iru.foundation.crypto.RandomTokens;
import iru.foundation.database.ChangeNotificationListener;
import iru.foundation.database.DatabaseLogins;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.logging.StructuredLog;
import iru.foundation.workers.ClaimingWorker;
import iru.foundation.workers.PeriodicWorker;
import iru.foundation.secrets.CachingSecretStore;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.secrets.SecretStore;
import iru.foundation.telemetry.Telemetry;
import iru.interfaces.catalog.HttpCatalogFeed;
import iru.interfaces.control.AdminAuthenticationFilter;
import iru.interfaces.control.CatalogControlService;
import iru.interfaces.control.SigningKeysService;
import iru.interfaces.control.TenantsService;
import iru.interfaces.control.WebAuthnRelyingPartyService;
import iru.interfaces.http.AuthenticationLimits;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.openapi.OpenApiService;
import iru.interfaces.openapi.RouteSecurity;
import iru.interfaces.tenant.ApiKeyAuthenticator;
import iru.interfaces.tenant.TenantAuthenticationFilter;
import iru.interfaces.signin.AccountService;
import iru.interfaces.signin.SessionAuthenticator;
import iru.interfaces.signin.SignInService;
import iru.interfaces.tenant.ApplicationsService;
import iru.interfaces.tenant.ClientKeysService;
import iru.interfaces.tenant.ClientSecretsService;
import iru.interfaces.tenant.TokenService;
import iru.interfaces.tenant.UserInfoService;
import iru.interfaces.signin.AuthorizeService;
import iru.interfaces.tenant.PasskeysAdminService;
import iru.interfaces.tenant.ProvisioningFailuresService;
import iru.interfaces.tenant.ReconciliationService;
import iru.interfaces.provisioning.ScimProvisioning;
import iru.interfaces.provisioning.ScimReconciler;
import iru.interfaces.tenant.GroupsService;
import iru.interfaces.tenant.OidcDiscoveryService;
import iru.interfaces.tenant.TenantApiKeysService;
import iru.interfaces.tenant.TenantCatalogService;
import iru.interfaces.tenant.TenantProfileService;
import iru.interfaces.tenant.SecurityEventsService;
import iru.interfaces.tenant.TenantRoutingFilter;
import iru.interfaces.tenant.UsersService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The feature services of each plane, wired by hand. Returns the background workers the plane must stop. */
final class PlaneWiring {
    private static final StructuredLog LOG = StructuredLog.of(PlaneWiring.class);
    /** A creation takes milliseconds; one still provisioning after this was interrupted by a crash. */
    private static final Duration STALE_CREATION_AFTER = Duration.ofMinutes(5);
    private static final Duration RECONCILE_EVERY = Duration.ofMinutes(1);
    /** Expired sign-in state is already ignored by readers; sweeping it every few minutes only bounds table size. */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(5);
    /**
     * How long a verified client secret or API key, or a decrypted active signing key, is reused without asking the
     * database. Changes arrive by notification at once; this only bounds a notification lost in a reconnect.
     */
    static final Duration CREDENTIAL_CACHE_TTL = Duration.ofSeconds(30);

    /** Every entity the planes' repositories persist through Hibernate. */
    static final List<Class<?>> ORM_ENTITIES = java.util.stream.Stream.of(TenantRecords.ENTITIES, UserRepository.ENTITIES,
            GroupRepository.ENTITIES, ApplicationRepository.ENTITIES)
            .flatMap(List::stream).toList();

    /** What an undocumented path under `/t/{slug}/` demands: a key, so nothing undeclared is ever public. */
    private static final RouteSecurity.Requirement API_KEY_WITHOUT_SCOPES =
            new RouteSecurity.Requirement(java.util.Optional.of(ApiKeyAuthenticator.SCHEME), List.of());

    private PlaneWiring() {
    }

    private static FailedAuthentications failedAuthentications(IruConfig config) {
        AuthenticationLimits defaults = AuthenticationLimits.DEFAULTS;
        return new FailedAuthentications(new AuthenticationLimits(config.failedAuthentications().perSource(),
                config.failedAuthentications().perTenant(), defaults.window(), defaults.maxTrackedKeys()));
    }

    /** What both planes' use cases are made of. */
    private record Core(TenantRegionRouter router, Telemetry telemetry, TenantDirectory directory,
            TenantRecords records, TenantTransactions tx, UserRepository users, GroupRepository groups,
            ApplicationRepository apps, ApiKeys apiKeys, SigningKeys signingKeys, EnvelopeEncryption envelope,
            CredentialChanges credentials) {
        static Core of(TenantRegionRouter router, Telemetry telemetry, OrmSessions orm, IruConfig config,
                SecretStore secrets) {
            TenantDirectory directory = new TenantDirectory();
            TenantTransactions tx = new TenantTransactions(router, telemetry);
            UserRepository users = new UserRepository(orm);
            // Both planes open sealed signing keys (the control plane to seal new ones, the tenant plane to sign):
            // without the key-encryption key neither starts.
            EnvelopeEncryption envelope = new EnvelopeEncryption(new CachingSecretStore(secrets,
                    config.secretsPolicy().cacheTimeToLive(), Clock.systemUTC()), SigningKeys.KEK_SECRET,
                    new SecureRandom());
            envelope.requireKek();
            CredentialChanges credentials = new CredentialChanges(CREDENTIAL_CACHE_TTL);
            SigningKeys signingKeys = new SigningKeys(tx, router, directory, new SigningKeyRepository(), envelope,
                    config.oidc().signingKeyRetireGrace(), credentials, Clock.systemUTC());
            return new Core(router, telemetry, directory, new TenantRecords(orm), tx, users, new GroupRepository(orm, users),
                    new ApplicationRepository(orm, users),
                    new ApiKeys(tx, router, directory, new ApiKeyRepository(new SecureRandom()),
                            new SecurityEventLog(new SecureRandom()), credentials), signingKeys, envelope,
                    credentials);
        }

        CatalogSync catalog(CatalogFeed feed, SecretStore secrets) {
            return new CatalogSync(router, new CatalogRepository(), feed, secrets, telemetry);
        }
    }

    static List<AutoCloseable> control(HttpRouting.Builder routing, IruConfig config, TenantRegionRouter router,
            Telemetry telemetry, OrmSessions orm, SecretStore secrets, ErrorReporter errors) {
        secrets.fetch(AdminAuthenticationFilter.ADMIN_TOKEN_SECRET); // fail at startup, not on the first request
        Core core = Core.of(router, telemetry, orm, config, secrets);
        CatalogFeed feed = config.catalogUrl().<CatalogFeed>map(HttpCatalogFeed::new).orElse(credential -> {
            throw new CatalogUnavailableException("no upstream catalog is configured (set IRU_CATALOG_URL)", null);
        });
        CatalogSync catalog = core.catalog(feed, secrets);
        TenantLifecycle lifecycle = new TenantLifecycle(router, core.directory(), core.records(), telemetry,
                core.signingKeys());
        // Only the per-request admin check (token, operator keys) is cached; the catalog sync keeps fetching its
        // credential per sync.
        routing.addFilter(new AdminAuthenticationFilter(
                new CachingSecretStore(secrets, config.secretsPolicy().cacheTimeToLive(), Clock.systemUTC()),
                failedAuthentications(config),
                new OperatorRequestNonces(router, new RequestNonceLedger(), Clock.systemUTC()), Clock.systemUTC()));
        TenantRelyingParties relyingParties = new TenantRelyingParties(router, core.directory(), core.records(),
                new SecurityEventLog(new SecureRandom()), telemetry, config.signIn());
        controlServices(lifecycle, core.apiKeys(), catalog, core.signingKeys(), relyingParties)
                .forEach(routing::register);
        List<AutoCloseable> workers = new java.util.ArrayList<>();
        workers.add(new PeriodicWorker("tenant-reconciliation", RECONCILE_EVERY, () -> {
            var result = lifecycle.reconcileStaleCreations(STALE_CREATION_AFTER);
            if (result.activated() + result.released() > 0) {
                LOG.info("tenants.reconciled", Map.of("activated", result.activated(), "released", result.released()));
            }
        }, errors).start());
        SealedKeyRewrap rewrap = new SealedKeyRewrap(router, core.directory(), new SigningKeyRepository(),
                core.envelope(), new SecurityEventLog(new SecureRandom()), config.servedRegions());
        workers.add(new PeriodicWorker("signing-key-rewrap", config.secretsPolicy().kekRewrapInterval(), () -> {
            int rewrapped = rewrap.sweep();
            if (rewrapped > 0) {
                LOG.info("signing-keys.rewrapped", Map.of("keys", rewrapped));
            }
        }, errors).start());
        if (config.catalogSyncInterval().isPositive()) {
            workers.add(new PeriodicWorker("catalog-sync", config.catalogSyncInterval(), () -> {
                var result = catalog.sync();
                LOG.info("catalog.synced", Map.of("added", result.added(), "updated", result.updated(),
                        "removed", result.removed(), "deprecated", result.deprecated(), "total", result.total()));
            }, errors).start());
        }
        return List.copyOf(workers);
    }

    static List<HttpService> controlServices(TenantLifecycle lifecycle, ApiKeys apiKeys, CatalogSync catalog,
            SigningKeys signingKeys, TenantRelyingParties relyingParties) {
        return List.of(new TenantsService(lifecycle, apiKeys), new SigningKeysService(signingKeys),
                new WebAuthnRelyingPartyService(relyingParties), new CatalogControlService(catalog),
                new OpenApiService(OpenApiService.CONTROL_DOCUMENT));
    }

    /**
     * Makes the delivery the provisioning workers hand each task to, given the workers' own router (their pools, not
     * the request pools): the delivery opens its short transactions there.
     */
    @FunctionalInterface
    interface DeliveryFactory {
        Optional<WiredDelivery> create(TenantRegionRouter workersRouter, Telemetry telemetry, OrmSessions orm,
                ErrorReporter errors);
    }

    /**
     * A delivery and what runs beside the workers on their pools (SCIM: the periodic reconciliation), stopped before
     * the workers.
     */
    record WiredDelivery(ProvisioningDelivery delivery, List<AutoCloseable> alongside) {
        WiredDelivery {
            alongside = List.copyOf(alongside);
        }

        static WiredDelivery of(ProvisioningDelivery delivery) {
            return new WiredDelivery(delivery, List.of());
        }
    }

    /**
     * Production provisioning: the SCIM 2.0 delivery on the workers' router, and the periodic reconciliation of every
     * provisioned application on the same pools (`IRU_SCIM_RECONCILE_INTERVAL_SECONDS`, 0 = off), so `IRU_WORKERS=off`
     * stops both.
     */
    static DeliveryFactory scimDelivery(IruConfig config, SecretStore secrets) {
        return (workersRouter, telemetry, orm, errors) -> {
            ScimProvisioning scim = ScimWiring.provisioning(config, workersRouter, telemetry, orm, secrets,
                    ScimWiring.outboxQueue());
            return Optional.of(new WiredDelivery(scim.delivery(),
                    ScimWiring.periodicReconciliation(config, workersRouter, scim, errors).stream()
                            .<AutoCloseable>map(w -> w).toList()));
        };
    }

    /**
     * The provisioning workers with pools of their own (`IRU_WORKER_POOL_MAX` per database), or nothing when they are
     * off (`IRU_WORKERS=off`) or no delivery is wired. Closing them stops what runs alongside, the workers, then their
     * pools.
     */
    static Optional<AutoCloseable> provisioningWorkers(IruConfig config, Telemetry telemetry, OrmSessions orm,
            ErrorReporter errors, DeliveryFactory deliveries) {
        if (!config.workers().enabled()) {
            LOG.info("provisioning.workers-off", Map.of("reason", "IRU_WORKERS=off"));
            return Optional.empty();
        }
        RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().tenantRuntime(), telemetry.openTelemetry(), "workers", config.workers().poolMax(),
                Optional.of(telemetry.meters()));
        TenantRegionRouter workersRouter = new TenantRegionRouter(pools);
        Optional<WiredDelivery> delivery;
        try {
            delivery = deliveries.create(workersRouter, telemetry, orm, errors);
        } catch (RuntimeException | Error e) {
            pools.close();
            throw e;
        }
        if (delivery.isEmpty()) {
            pools.close();
            LOG.warn("provisioning.workers-off", Map.of("reason", "no provisioning delivery is wired"));
            return Optional.empty();
        }
        List<AutoCloseable> alongside = delivery.get().alongside();
        ProvisioningWorkers workers = new ProvisioningWorkers(workersRouter, config.servedRegions(),
                new TenantDirectory(), new ProvisioningOutbox(), delivery.get().delivery(), config.workers(), telemetry,
                errors, Clock.systemUTC(), new SecureRandom()).start();
        return Optional.of(new ClaimingWorker() {
            @Override
            public void stopClaiming() {
                workers.stopClaiming();
            }

            @Override
            public void close() throws Exception {
                try {
                    for (AutoCloseable a : alongside) {
                        a.close();
                    }
                } finally {
                    try {
                        workers.close();
                    } finally {
                        pools.close();
                    }
                }
            }

            @Override
            public String toString() {
                return workers.toString();
            }
        });
    }

    static List<AutoCloseable> tenant(HttpRouting.Builder routing, IruConfig config, TenantRegionRouter router,
            Telemetry telemetry, OrmSessions orm, SecretStore secrets, ErrorReporter errors,
            DeliveryFactory deliveries) {
        // The provisioning workers need nothing of the request path but their own pools (and a SCIM client, whose TLS
        // set-up is slow): they are built beside it and joined before the plane serves.
        StartupStep<Optional<AutoCloseable>> provisioning = StartupStep.start("provisioning-workers",
                () -> provisioningWorkers(config, telemetry, orm, errors, deliveries));
        try {
            List<AutoCloseable> workers = tenantRequestPath(routing, config, router, telemetry, orm, secrets, errors);
            provisioning.join().ifPresent(workers::add);
            return List.copyOf(workers);
        } catch (RuntimeException e) {
            provisioning.discard(e, started -> started.ifPresent(w -> stopAfterFailedStart(w, errors)));
            throw e;
        }
    }

    /** The workers of a start that failed, stopped; a failure to stop reaches the error reporter with its stack. */
    private static void stopAfterFailedStart(AutoCloseable workers, ErrorReporter errors) {
        try {
            workers.close();
        } catch (Exception e) {
            String correlationId = java.util.UUID.randomUUID().toString();
            LOG.warn("provisioning.workers-stop-failed", Map.of("correlation_id", correlationId));
            errors.capture(e, correlationId);
        }
    }

    private static List<AutoCloseable> tenantRequestPath(HttpRouting.Builder routing, IruConfig config,
            TenantRegionRouter router, Telemetry telemetry, OrmSessions orm, SecretStore secrets,
            ErrorReporter errors) {
        Core core = Core.of(router, telemetry, orm, config, secrets);
        TenantResolver resolver = new TenantResolver(router, core.directory(), TenantResolver.Settings.DEFAULTS);
        CredentialChanges credentials = core.credentials();
        // A suspended or deleted tenant is refused by routing already; its verified credentials go too.
        ChangeNotificationListener invalidations = new ChangeNotificationListener(config.database().directoryUrl(),
                DatabaseLogins.forSettings(config.database()), config.database().tenantRuntime(),
                TenantDirectory.CHANGE_CHANNEL, slug -> {
                    credentials.forgetSlug(slug);
                    resolver.invalidate(slug);
                }, () -> {
                    credentials.forgetAll();
                    resolver.invalidateAll();
                }, errors).start();
        List<AutoCloseable> workers = new java.util.ArrayList<>(List.of(invalidations));
        for (var region : config.servedRegions()) {
            workers.add(new ChangeNotificationListener(config.database().regionUrl(region),
                    DatabaseLogins.forSettings(config.database()), config.database().tenantRuntime(),
                    CredentialChangeNotices.CHANNEL, credentials::onNotification, credentials::forgetAll, errors)
                    .start());
        }
        workers.add(new CredentialCaches(credentials));
        Sessions sessions = new Sessions(core.tx(), new SessionRepository(), new OAuthGrantRepository(), core.users(),
                new SecurityEventLog(new SecureRandom()), new RandomTokens(new SecureRandom()), config.signIn(),
                Clock.systemUTC());
        routing.addFilter(new TenantRoutingFilter(resolver, router))
               .addFilter(new TenantAuthenticationFilter(RouteSecurity.of(OpenApiService.TENANT_DOCUMENT),
                       API_KEY_WITHOUT_SCOPES, Map.of(
                               ApiKeyAuthenticator.SCHEME,
                               new ApiKeyAuthenticator(core.apiKeys(), failedAuthentications(config)),
                               SessionAuthenticator.SCHEME, new SessionAuthenticator(sessions))));
        CatalogFeed noUpstream = credential -> {
            throw new CatalogUnavailableException("the tenant plane does not sync the catalog", null);
        };
        ProvisioningOutbox outbox = new ProvisioningOutbox();
        ProvisioningFanOut provisioning = new ProvisioningFanOut(new OutboxQueue(outbox));
        tenantServices(new TenantProfile(router, core.records(), telemetry), core.apiKeys(),
                new UserDirectory(core.tx(), core.users(), core.groups(), provisioning),
                new GroupDirectory(core.tx(), core.groups(), core.users(), provisioning),
                new ApplicationDirectory(core.tx(), core.apps(), core.users(), core.groups(), secrets,
                        new ScimEndpointRule(config.production() ? OutboundAddressPolicy.Mode.PRODUCTION
                                : OutboundAddressPolicy.Mode.DEV), provisioning, credentials),
                core.catalog(noUpstream, secrets),
                new SecurityEvents(core.tx(), new SecurityEventLog(new SecureRandom())), core.signingKeys(),
                config.oidc(), new ProvisioningFailures(core.tx(), outbox)).forEach(routing::register);
        PasskeyFeature passkeys = PasskeyFeature.create(core.tx(), core.users(), new SecurityEventLog(new SecureRandom()),
                sessions, new RandomTokens(new SecureRandom()), core.records(), config.signIn(), Clock.systemUTC());
        // Sign-in failures have their own buckets: a passkey guesser must not lock the tenant's API keys out.
        signInServices(passkeys, sessions, config.signIn(), failedAuthentications(config)).forEach(routing::register);
        // Client authentication failures have their own buckets too, for the same reason.
        oidcServices(new OAuthClients(core.tx(), new OAuthClientRepository(), new SecurityEventLog(new SecureRandom()),
                core.signingKeys(), config.oidc(), new RandomTokens(new SecureRandom()), Clock.systemUTC(), credentials),
                new ClientAssertions(core.tx(), new OAuthClientRepository(), new SecurityEventLog(new SecureRandom()),
                        config.oidc(), Clock.systemUTC()),
                new OidcProvider(core.tx(), new OAuthClientRepository(), new OAuthGrantRepository(), core.users(),
                        new SecurityEventLog(new SecureRandom()), core.signingKeys(), config.oidc(),
                        new RandomTokens(new SecureRandom()), Clock.systemUTC()),
                sessions, config.oidc(), failedAuthentications(config)).forEach(routing::register);
        ExpiredSignInStateSweeper sweeper = new ExpiredSignInStateSweeper(router, core.directory(), new CeremonyStore(),
                new SessionRepository(), new OAuthGrantRepository(), config.servedRegions(), Clock.systemUTC());
        // The on-demand reconcile route reads on the request pools; the periodic pass runs with the workers.
        provisioningServices(ScimWiring.provisioning(config, router, telemetry, orm, secrets, ScimWiring.outboxQueue())
                .reconciler()).forEach(routing::register);
        PeriodicWorker sweeping = new PeriodicWorker("sign-in-state-sweep", SWEEP_EVERY, () -> {
            int removed = sweeper.sweep();
            if (removed > 0) {
                LOG.info("signin.state.swept", Map.of("removed", removed));
            }
        }, errors).start();
        workers.add(sweeping);
        return workers;
    }

    /**
     * The tenant plane's credential caches, listed among its workers so tests (and a debugger) can see what is
     * cached; closing it empties them.
     */
    record CredentialCaches(CredentialChanges changes) implements AutoCloseable {
        @Override
        public void close() {
            changes.forgetAll();
        }
    }

    static List<HttpService> signInServices(PasskeyFeature passkeys, Sessions sessions, SignInSettings settings,
            FailedAuthentications failures) {
        return List.of(new SignInService(passkeys, settings, failures, new RandomTokens(new SecureRandom())),
                new AccountService(sessions, passkeys == null ? null : passkeys.management()),
                new PasskeysAdminService(passkeys, sessions, settings));
    }

    static List<HttpService> provisioningServices(ScimReconciler reconciler) {
        return List.of(new ReconciliationService(reconciler));
    }

    static List<HttpService> oidcServices(OAuthClients clients, ClientAssertions assertions, OidcProvider provider,
            Sessions sessions, OidcSettings oidc, FailedAuthentications failures) {
        return List.of(new ClientSecretsService(clients), new ClientKeysService(clients),
                new TokenService(clients, assertions, provider, failures),
                new UserInfoService(provider), new AuthorizeService(provider, sessions, oidc));
    }

    static List<HttpService> tenantServices(TenantProfile profile, ApiKeys apiKeys, UserDirectory users,
            GroupDirectory groups, ApplicationDirectory apps, CatalogSync catalog, SecurityEvents events,
            SigningKeys signingKeys, OidcSettings oidc, ProvisioningFailures provisioningFailures) {
        return List.of(new TenantProfileService(profile), new TenantApiKeysService(apiKeys), new UsersService(users),
                new GroupsService(groups), new ApplicationsService(apps), new TenantCatalogService(catalog),
                new SecurityEventsService(events), new OidcDiscoveryService(signingKeys, oidc),
                new ProvisioningFailuresService(provisioningFailures),
                new OpenApiService(OpenApiService.TENANT_DOCUMENT));
    }
}
