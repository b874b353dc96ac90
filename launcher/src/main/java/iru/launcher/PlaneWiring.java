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
import iru.application.signing.SigningKeys;
import iru.application.passkey.PasskeyFeature;
import iru.application.session.ExpiredSignInStateSweeper;
import iru.application.session.Sessions;
import iru.application.oauth.OAuthClients;
import iru.application.oauth.OidcProvider;
import iru.application.tenant.TenantLifecycle;
import iru.application.tenant.TenantProfile;
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
import iru.domain.session.SessionRepository;
import iru.domain.oauth.OAuthClientRepository;
import iru.domain.oauth.OAuthGrantRepository;
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
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.logging.StructuredLog;
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
import iru.interfaces.tenant.ClientSecretsService;
import iru.interfaces.tenant.TokenService;
import iru.interfaces.tenant.UserInfoService;
import iru.interfaces.signin.AuthorizeService;
import iru.interfaces.tenant.PasskeysAdminService;
import iru.interfaces.tenant.ReconciliationService;
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

/** The feature services of each plane, wired by hand. Returns the background workers the plane must stop. */
final class PlaneWiring {
    private static final StructuredLog LOG = StructuredLog.of(PlaneWiring.class);
    /** A creation takes milliseconds; one still provisioning after this was interrupted by a crash. */
    private static final Duration STALE_CREATION_AFTER = Duration.ofMinutes(5);
    private static final Duration RECONCILE_EVERY = Duration.ofMinutes(1);
    /** Expired sign-in state is already ignored by readers; sweeping it every few minutes only bounds table size. */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(5);
    /** How long a decrypted signing key stays in memory before it is opened again from its sealed form. */
    private static final Duration SIGNER_CACHE_TTL = Duration.ofMinutes(5);

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
            ApplicationRepository apps, ApiKeys apiKeys, SigningKeys signingKeys) {
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
            SigningKeys signingKeys = new SigningKeys(tx, router, directory, new SigningKeyRepository(), envelope,
                    config.oidc().signingKeyRetireGrace(), SIGNER_CACHE_TTL, Clock.systemUTC());
            return new Core(router, telemetry, directory, new TenantRecords(orm), tx, users, new GroupRepository(orm, users),
                    new ApplicationRepository(orm, users),
                    new ApiKeys(tx, router, directory, new ApiKeyRepository(new SecureRandom()),
                            new SecurityEventLog(new SecureRandom())), signingKeys);
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
        controlServices(lifecycle, core.apiKeys(), catalog, core.signingKeys()).forEach(routing::register);
        List<AutoCloseable> workers = new java.util.ArrayList<>();
        workers.add(new PeriodicWorker("tenant-reconciliation", RECONCILE_EVERY, () -> {
            var result = lifecycle.reconcileStaleCreations(STALE_CREATION_AFTER);
            if (result.activated() + result.released() > 0) {
                LOG.info("tenants.reconciled", Map.of("activated", result.activated(), "released", result.released()));
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
            SigningKeys signingKeys) {
        return List.of(new TenantsService(lifecycle, apiKeys), new SigningKeysService(signingKeys),
                new CatalogControlService(catalog), new OpenApiService(OpenApiService.CONTROL_DOCUMENT));
    }

    static List<AutoCloseable> tenant(HttpRouting.Builder routing, IruConfig config, TenantRegionRouter router,
            Telemetry telemetry, OrmSessions orm, SecretStore secrets, ErrorReporter errors) {
        Core core = Core.of(router, telemetry, orm, config, secrets);
        TenantResolver resolver = new TenantResolver(router, core.directory(), TenantResolver.Settings.DEFAULTS);
        ChangeNotificationListener invalidations = new ChangeNotificationListener(config.database().directoryUrl(),
                DatabaseLogins.forSettings(config.database()), config.database().tenantRuntime(), TenantDirectory.CHANGE_CHANNEL, resolver::invalidate,
                resolver::invalidateAll, errors).start();
        Sessions sessions = new Sessions(core.tx(), new SessionRepository(), core.users(),
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
        tenantServices(new TenantProfile(router, core.records(), telemetry), core.apiKeys(),
                new UserDirectory(core.tx(), core.users(), core.groups()),
                new GroupDirectory(core.tx(), core.groups(), core.users()),
                new ApplicationDirectory(core.tx(), core.apps(), core.users(), core.groups(), secrets,
                        new ScimEndpointRule(config.production() ? OutboundAddressPolicy.Mode.PRODUCTION
                                : OutboundAddressPolicy.Mode.DEV)),
                core.catalog(noUpstream, secrets),
                new SecurityEvents(core.tx(), new SecurityEventLog(new SecureRandom())), core.signingKeys(),
                config.oidc()).forEach(routing::register);
        PasskeyFeature passkeys = PasskeyFeature.create(core.tx(), core.users(), new SecurityEventLog(new SecureRandom()),
                sessions, new RandomTokens(new SecureRandom()), config.signIn(), Clock.systemUTC());
        // Sign-in failures have their own buckets: a passkey guesser must not lock the tenant's API keys out.
        signInServices(passkeys, sessions, config.signIn(), failedAuthentications(config)).forEach(routing::register);
        // Client authentication failures have their own buckets too, for the same reason.
        oidcServices(new OAuthClients(core.tx(), new OAuthClientRepository(), new SecurityEventLog(new SecureRandom()),
                core.signingKeys(), config.oidc(), new RandomTokens(new SecureRandom()), Clock.systemUTC()),
                new OidcProvider(core.tx(), new OAuthClientRepository(), new OAuthGrantRepository(), core.users(),
                        new SecurityEventLog(new SecureRandom()), core.signingKeys(), config.oidc(),
                        new RandomTokens(new SecureRandom()), Clock.systemUTC()),
                sessions, config.oidc(), failedAuthentications(config)).forEach(routing::register);
        ExpiredSignInStateSweeper sweeper = new ExpiredSignInStateSweeper(router, core.directory(), new CeremonyStore(),
                new SessionRepository(), new OAuthGrantRepository(), config.servedRegions(), Clock.systemUTC());
        var scim = ScimWiring.provisioning(config, router, telemetry, orm, secrets, ScimWiring.outboxQueue());
        provisioningServices(scim.reconciler()).forEach(routing::register);
        var reconciling = ScimWiring.periodicReconciliation(config, router, scim, errors);
        PeriodicWorker sweeping = new PeriodicWorker("sign-in-state-sweep", SWEEP_EVERY, () -> {
            int removed = sweeper.sweep();
            if (removed > 0) {
                LOG.info("signin.state.swept", Map.of("removed", removed));
            }
        }, errors).start();
        return reconciling.<List<AutoCloseable>>map(r -> List.of(invalidations, sweeping, r))
                .orElse(List.of(invalidations, sweeping));
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

    static List<HttpService> oidcServices(OAuthClients clients, OidcProvider provider, Sessions sessions,
            OidcSettings oidc, FailedAuthentications failures) {
        return List.of(new ClientSecretsService(clients), new TokenService(clients, provider, failures),
                new UserInfoService(provider), new AuthorizeService(provider, sessions, oidc));
    }

    static List<HttpService> tenantServices(TenantProfile profile, ApiKeys apiKeys, UserDirectory users,
            GroupDirectory groups, ApplicationDirectory apps, CatalogSync catalog, SecurityEvents events,
            SigningKeys signingKeys, OidcSettings oidc) {
        return List.of(new TenantProfileService(profile), new TenantApiKeysService(apiKeys), new UsersService(users),
                new GroupsService(groups), new ApplicationsService(apps), new TenantCatalogService(catalog),
                new SecurityEventsService(events), new OidcDiscoveryService(signingKeys, oidc),
                new OpenApiService(OpenApiService.TENANT_DOCUMENT));
    }
}
