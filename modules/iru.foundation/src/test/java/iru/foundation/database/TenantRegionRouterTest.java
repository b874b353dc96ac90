package iru.foundation.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.migration.MigratedDatabases;
import iru.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantRegionRouterTest {
    static TestDatabases databases;
    static IruConfig config;

    @BeforeAll
    static void migrate() {
        databases = TestDatabases.create("t_router");
        config = MigratedDatabases.migrate(databases);
    }

    @AfterAll
    static void drop() {
        databases.close();
    }

    private static RegionalDatabases open(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(databases.environment());
        env.putAll(overrides);
        IruConfig c = IruConfig.from(env);
        return RegionalDatabases.open(c.database(), c.servedRegions(), c.database().tenantRuntime(), OpenTelemetry.noop());
    }

    /** As the control plane, the only one that may write the directory. */
    private static RegionalDatabases openAsControlPlane() {
        IruConfig c = IruConfig.from(databases.environment());
        return RegionalDatabases.open(c.database(), c.servedRegions(), c.database().controlRuntime(), OpenTelemetry.noop());
    }

    @Test
    void runsTenantWorkOnItsRegionWithTheTenantSetOnlyInsideTheTransaction() {
        try (RegionalDatabases pools = open(Map.of())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            router.verifyRegionIdentities();
            UUID tenant = UUID.randomUUID();
            String seen = router.inTransaction(Region.EU, tenant, c -> {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "select current_setting('iru.tenant_id', true), (select region from region_identity), current_user")) {
                    rs.next();
                    assertEquals("eu", rs.getString(2));
                    assertEquals("iru_tenant", rs.getString(3));
                    return rs.getString(1);
                }
            });
            assertEquals(tenant.toString(), seen);
            String after = router.inRegionTransaction(Region.EU, c -> {
                try (ResultSet rs = c.createStatement().executeQuery("select current_setting('iru.tenant_id', true)")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertTrue(after == null || after.isEmpty(), "tenant leaked into the next transaction: " + after);
        }
    }

    /** What a statement saw of the settings the router made, and on which server connection. */
    record Seen(String tenant, String actor, String user, int backend) {
        static final SingleSelect<Seen> QUERY = new SingleSelect<>("select current_setting('iru.tenant_id', true),"
                + " current_setting('iru.actor', true), current_user::text, pg_backend_pid()", List.of(), rs -> {
                    rs.next();
                    return new Seen(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4));
                });

        boolean carriesNoSetting() {
            return (tenant == null || tenant.isEmpty()) && (actor == null || actor.isEmpty());
        }
    }

    private static SingleSelect<Optional<String>> tenantSlug(UUID id) {
        return new SingleSelect<>("select slug from tenants where tenant_id = ?", List.of(id),
                rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty());
    }

    /**
     * The settings and the SELECT go in one message with one Sync: the SELECT sees the tenant and the actor under
     * the runtime role, and the same server connection, used next through the pool, carries neither.
     */
    @Test
    void singleStatementReadSetsTheTenantForItsSelectOnlyAndLeavesThePooledConnectionClean() throws Exception {
        try (RegionalDatabases onePool = open(Map.of("IRU_POOL_MAX", "1"))) {
            TenantRegionRouter router = new TenantRegionRouter(onePool);
            UUID tenant = UUID.randomUUID();
            Seen seen = ScopedValue.where(AuditActor.CURRENT, "api-key:probe")
                    .call(() -> router.singleStatementRead(Region.EU, tenant, Seen.QUERY));
            assertEquals(new Seen(tenant.toString(), "api-key:probe", "iru_tenant", seen.backend()), seen);

            Seen next = router.inRegionTransaction(Region.EU, Seen.QUERY::run);
            assertEquals(seen.backend(), next.backend(), "a pool of one lends the same connection");
            assertTrue(next.carriesNoSetting(), "settings leaked into the next transaction: " + next);
            try (Connection raw = onePool.region(Region.EU).orElseThrow().getConnection()) {
                Seen outside = Seen.QUERY.run(raw);
                assertEquals(seen.backend(), outside.backend());
                assertTrue(outside.carriesNoSetting(), "settings leaked into the pooled connection: " + outside);
            }
        }
    }

    /** Row-level security filters through the one-round-trip path as through a transaction: by the tenant set. */
    @Test
    void singleStatementReadShowsNoRowOfAnotherTenant() {
        UUID owner = UUID.randomUUID();
        String slug = "rls-probe-" + owner.toString().substring(0, 8);
        try (RegionalDatabases control = openAsControlPlane()) {
            new TenantRegionRouter(control).inTransaction(Region.EU, owner, c -> {
                try (PreparedStatement s = c.prepareStatement("insert into tenants (tenant_id, slug, name, region,"
                        + " status) values (?, ?, 'Probe', 'eu', 'active')")) {
                    s.setObject(1, owner);
                    s.setString(2, slug);
                    return s.executeUpdate();
                }
            });
        }
        try (RegionalDatabases pools = open(Map.of())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            assertEquals(Optional.of(slug), router.singleStatementRead(Region.EU, owner, tenantSlug(owner)));
            assertEquals(Optional.empty(), router.singleStatementRead(Region.EU, UUID.randomUUID(), tenantSlug(owner)),
                    "another tenant's row through the one-round-trip read");
        }
    }

    /** A failing SELECT fails the read and leaves nothing set on the connection the pool gets back. */
    @Test
    void failedSingleStatementReadLeavesThePooledConnectionClean() {
        try (RegionalDatabases onePool = open(Map.of("IRU_POOL_MAX", "1"))) {
            TenantRegionRouter router = new TenantRegionRouter(onePool);
            var e = assertThrows(DataAccessException.class, () -> router.singleStatementRead(Region.EU,
                    UUID.randomUUID(), new SingleSelect<>("select 1 / 0", List.of(), rs -> rs.next())));
            assertEquals("22012", e.sqlState());
            Seen next = router.inRegionTransaction(Region.EU, Seen.QUERY::run);
            assertTrue(next.carriesNoSetting(), "settings leaked after a failed read: " + next);
        }
    }

    @Test
    void singleSelectRefusesASecondStatement() {
        assertThrows(IllegalArgumentException.class, () -> new SingleSelect<>(
                "select user_name from users; delete from users", List.of(), rs -> null));
        assertThrows(IllegalArgumentException.class, () -> new SingleSelect<>(
                "delete from users returning user_name", List.of(), rs -> null));
    }

    @Test
    void rejectsTransactionForRegionThisDeploymentDoesNotServeWithoutRunningIt() {
        try (RegionalDatabases usOnly = open(Map.of("IRU_REGIONS", "us"))) {
            TenantRegionRouter router = new TenantRegionRouter(usOnly);
            AtomicBoolean ran = new AtomicBoolean();
            var e = assertThrows(RegionNotServedException.class,
                    () -> router.inTransaction(Region.EU, UUID.randomUUID(), c -> {
                        ran.set(true);
                        return null;
                    }));
            assertEquals(Region.EU, e.region());
            assertFalse(ran.get(), "work ran despite the region not being served");
            assertFalse(router.serves(Region.EU));
            assertTrue(router.serves(Region.US));
        }
    }

    @Test
    void rejectsTransactionWhenRegionUnresolvable() {
        try (RegionalDatabases pools = open(Map.of())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            AtomicBoolean ran = new AtomicBoolean();
            assertThrows(RegionUnresolvableException.class, () -> router.inTransaction(null, UUID.randomUUID(), c -> {
                ran.set(true);
                return null;
            }));
            assertFalse(ran.get());
        }
    }

    @Test
    void refusesDatabaseThatRecordsAnotherRegion() {
        // Cross-wired: the us pool points at the eu database.
        try (RegionalDatabases crossWired = open(Map.of("IRU_DB_US_URL", databases.url("eu")))) {
            var e = assertThrows(RegionMismatchException.class,
                    () -> new TenantRegionRouter(crossWired).verifyRegionIdentities());
            assertTrue(e.getMessage().contains("configured for region us"), e.getMessage());
            assertTrue(e.getMessage().contains("belongs to region eu"), e.getMessage());
        }
    }

    @Test
    void rollsBackWhenWorkFails() {
        try (RegionalDatabases pools = openAsControlPlane()) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            assertThrows(IllegalStateException.class, () -> router.inDirectoryTransaction(c -> {
                c.createStatement().execute("insert into tenant_directory (id, slug, region, status) values"
                        + " ('" + UUID.randomUUID() + "', 'rollback-probe', 'us', 'active')");
                throw new IllegalStateException("boom");
            }));
            Integer count = router.inDirectoryTransaction(c -> {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "select count(*) from tenant_directory where slug = 'rollback-probe'")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertEquals(0, count);
        }
    }

    @Test
    void unreachableDatabaseFailsFastWithHostAndNoPassword() {
        long started = System.nanoTime();
        var e = assertThrows(DatabaseUnavailableException.class, () -> open(Map.of(
                "IRU_DB_EU_URL", "jdbc:postgresql://127.0.0.1:1/iru_eu",
                "IRU_DB_TENANT_PASSWORD", "hunter2-secret")).close());
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertTrue(seconds < 10, "took " + seconds + "s");
        assertTrue(e.getMessage().contains("region eu"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    /**
     * A connection the server ends in the middle of a transaction (PostgreSQL stopping, an administrator, a failover)
     * is a connection failure whichever way the work used it: plain JDBC or a Hibernate session, whose exceptions are
     * its own types around the SQLException. Mapped to 503 at the HTTP edge; a 500 here was a restart under load.
     */
    @Test
    void aConnectionEndedByTheServerMidTransactionIsAConnectionFailureForJdbcAndHibernateWork() throws Exception {
        try (RegionalDatabases pools = open(Map.of());
             OrmSessions orm = OrmSessions.create(java.util.List.of())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            TransactionWork<Object> jdbc = c -> {
                terminate(c);
                return c.createStatement().executeQuery("select 1");
            };
            TransactionWork<Object> hibernate = c -> {
                terminate(c);
                return orm.inSession(c, s -> s.createNativeQuery("select 1", Integer.class).getSingleResult());
            };
            for (TransactionWork<Object> work : java.util.List.of(jdbc, hibernate)) {
                var e = assertThrows(DataAccessException.class, () -> router.inTransaction(Region.EU,
                        UUID.randomUUID(), work));
                assertTrue(e.isConnectionFailure(), e.sqlState() + " " + e);
            }
            assertEquals(1, (int) router.inRegionTransaction(Region.EU, c -> {
                try (ResultSet rs = c.createStatement().executeQuery("select 1")) {
                    rs.next();
                    return rs.getInt(1);
                }
            }), "the pool replaced the ended connections");
        }
    }

    /** Ends the backend of `c` from another session, as the owner, and waits until it is gone. */
    private static void terminate(java.sql.Connection c) throws java.sql.SQLException {
        int pid;
        try (ResultSet rs = c.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        try (var owner = databases.connectAsOwner("eu");
             ResultSet rs = owner.createStatement().executeQuery("select pg_terminate_backend(" + pid + ", 5000)")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "backend " + pid + " ended");
        }
    }
}
