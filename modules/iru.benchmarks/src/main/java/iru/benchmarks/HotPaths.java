package iru.benchmarks;

import io.opentelemetry.api.OpenTelemetry;
import iru.application.apikey.ApiKeys;
import iru.application.identity.TenantTransactions;
import iru.application.identity.UserDirectory;
import iru.application.tenant.CredentialChanges;
import iru.application.tenant.TenantResolver;
import iru.domain.apikey.ApiKeyRepository;
import iru.domain.event.SecurityEventLog;
import iru.domain.apikey.Scope;
import iru.domain.group.GroupRepository;
import iru.domain.tenant.Tenant;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantRecords;
import iru.domain.tenant.TenantSlug;
import iru.domain.tenant.TenantStatus;
import iru.domain.user.UserProfile;
import iru.domain.user.UserRepository;
import iru.foundation.audit.AuditVerifier;
import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.config.TelemetrySettings;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.migration.DevBootstrap;
import iru.foundation.migration.SchemaMigrator;
import iru.foundation.telemetry.Telemetry;
import iru.testkit.TestDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Measures the hot paths of the tenant plane through the real stack (router, RLS, the repositories, journal triggers)
 * on the local PostgreSQL, and prints throughput and latency percentiles. Figures, not verdicts: compare runs on the
 * same machine, as shared/notes/crypto-costs.md advises.
 */
public final class HotPaths {
    private static final int WARMUP = 300;
    private static final int MEASURED = 2_000;

    private HotPaths() {
    }

    @FunctionalInterface
    interface Operation {
        void run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        iru.foundation.logging.JsonLogging.install();
        try (TestDatabases databases = TestDatabases.create("bench_hot_paths")) {
            IruConfig config = IruConfig.from(databases.environment());
            SchemaMigrator migrator = new SchemaMigrator(config.database(), config.servedRegions(), line -> { });
            new DevBootstrap(config.database(), line -> { }).createRuntimeRoles(migrator.targets().getFirst());
            migrator.migrateAll();
            Telemetry telemetry = Telemetry.create(new TelemetrySettings(Optional.empty(), "bench", Optional.empty(), 1.0),
                    List.of());
            List<Class<?>> entities = Stream.of(TenantRecords.ENTITIES, UserRepository.ENTITIES, GroupRepository.ENTITIES).flatMap(List::stream).toList();
            // The tenant is created as the control plane creates it: the tenant plane's role may not write either.
            try (RegionalDatabases control = RegionalDatabases.open(config.database(), config.servedRegions(),
                    config.database().controlRuntime(), OpenTelemetry.noop());
                 RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                    config.database().tenantRuntime(), OpenTelemetry.noop());
                 OrmSessions orm = OrmSessions.create(entities)) {
                run(new TenantRegionRouter(control), pools, orm, telemetry,
                        migrator.ownerDataSource(migrator.targets().getLast()));
            }
            telemetry.shutdown();
        }
    }

    private static void run(TenantRegionRouter asControlPlane, RegionalDatabases pools, OrmSessions orm,
            Telemetry telemetry, DataSource euAsOwner) throws Exception {
        TenantRegionRouter router = new TenantRegionRouter(pools);
        TenantDirectory directory = new TenantDirectory();
        TenantRecords records = new TenantRecords(orm);
        TenantId id = TenantId.random();
        TenantLocation tenant = new TenantLocation(id, new TenantSlug("bench-co"), Region.EU, TenantStatus.active);
        asControlPlane.inDirectoryTransaction(c -> {
            directory.reserve(c, id, tenant.slug(), Region.EU);
            directory.activate(c, id);
            return null;
        });
        asControlPlane.inTransaction(Region.EU, id.value(), c -> records.insertIfAbsent(c,
                new Tenant(id, tenant.slug(), "Bench Co", Region.EU, TenantStatus.active, Instant.now())));
        TenantTransactions tx = new TenantTransactions(router, telemetry);
        // Nothing cached: this measures the database lookup a key's first request (or a wrong key) costs.
        ApiKeys keys = new ApiKeys(tx, router, directory, new ApiKeyRepository(new SecureRandom()),
                new SecurityEventLog(new SecureRandom()), new CredentialChanges(Duration.ZERO));
        String key = keys.issue(tenant, "bench", java.util.Set.of(Scope.ADMIN)).plaintext();
        UserRepository users = new UserRepository(orm);
        UserDirectory userDirectory = new UserDirectory(tx, users, new GroupRepository(orm, users),
                new iru.application.provisioning.ProvisioningFanOut(new iru.application.provisioning.OutboxQueue(
                        new iru.domain.provisioning.ProvisioningOutbox())));
        TenantResolver resolver = new TenantResolver(router, directory, TenantResolver.Settings.DEFAULTS);

        System.out.println("iru hot paths — " + Runtime.getRuntime().availableProcessors() + " cores, "
                + MEASURED + " measured operations each after " + WARMUP + " warm-up, one thread");
        measure("tenant resolution, cached (per request)", i -> resolver.resolve("bench-co"));
        measure("tenant resolution, directory query", i -> {
            resolver.invalidateAll();
            resolver.resolve("bench-co");
        });
        measure("API key authentication (per request)", i -> {
            if (keys.authenticate(tenant, key).isEmpty()) {
                throw new IllegalStateException("key refused");
            }
        });
        AtomicInteger n = new AtomicInteger();
        measure("create user (SQL insert + RLS + journal trigger)", i -> userDirectory.create(tenant,
                new UserProfile("user" + n.incrementAndGet(), "u" + n.get() + "@bench.example", null, null, null, null)));
        long started = System.nanoTime();
        var report = new AuditVerifier(euAsOwner, "eu").verify(List.of(id.value()));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("%-52s %,10.0f entries/s  (%d entries in %.2f s, passed=%s)%n", "verify-audit chain check",
                report.entries() / seconds, report.entries(), seconds, report.passed());
        report.findings().forEach(f -> System.out.println("  finding: " + f));
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%-52s %,10d MiB%n", "heap in use after the run", (rt.totalMemory() - rt.freeMemory()) >> 20);
    }

    private static void measure(String name, Operation operation) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            operation.run(i);
        }
        long[] nanos = new long[MEASURED];
        long started = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            long t0 = System.nanoTime();
            operation.run(i);
            nanos[i] = System.nanoTime() - t0;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(nanos);
        System.out.printf("%-52s %,10.0f ops/s   p50 %7.3f ms   p99 %7.3f ms%n", name, MEASURED / seconds,
                nanos[MEASURED / 2] / 1e6, nanos[MEASURED * 99 / 100] / 1e6);
    }
}
