package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantRecords;
import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.interfaces.http.Json;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tenant A cannot see or touch tenant B's rows as the runtime role, whatever the code above the database does. */
class RowLevelSecurityTest {
    static TestDeployment deployment;
    static UUID tenantA;
    static UUID tenantB;

    @BeforeAll
    static void createTwoTenants() throws Exception {
        deployment = TestDeployment.create("t_rls");
        TestDeployment.Plane control = deployment.start(Plane.control);
        tenantA = UUID.fromString(Json.MAPPER.readTree(control.admin("POST", "/v1/tenants",
                "{\"slug\":\"tenant-a\",\"name\":\"A\",\"region\":\"eu\"}").body()).get("id").asText());
        tenantB = UUID.fromString(Json.MAPPER.readTree(control.admin("POST", "/v1/tenants",
                "{\"slug\":\"tenant-b\",\"name\":\"B\",\"region\":\"eu\"}").body()).get("id").asText());
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    /** As the control plane's role: the one that writes tenant records, the table these tests attack. */
    private static Connection asRuntimeRole(UUID tenant) throws SQLException {
        IruConfig config = IruConfig.from(deployment.environment);
        Connection c = DriverManager.getConnection(deployment.databases.url("eu"), config.database().controlRuntime().user(),
                config.database().controlRuntime().password());
        if (tenant != null) {
            c.createStatement().execute("select set_config('iru.tenant_id', '" + tenant + "', false)");
        }
        return c;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void runtimeRoleIsNotOwnerNotSuperuserAndCannotBypassRls() throws Exception {
        try (Connection c = asRuntimeRole(null)) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select rolsuper, rolbypassrls from pg_roles where rolname = current_user")) {
                rs.next();
                assertFalse(rs.getBoolean(1));
                assertFalse(rs.getBoolean(2));
            }
            assertEquals(0, count(c, "select count(*) from pg_tables where schemaname = 'public' and tableowner = current_user"));
        }
    }

    @Test
    void withoutATenantSetNothingIsVisibleOrWritable() throws Exception {
        try (Connection c = asRuntimeRole(null)) {
            assertEquals(0, count(c, "select count(*) from tenants"));
            assertEquals(0, count(c, "select count(*) from audit_tenants"));
            assertEquals(0, c.createStatement().executeUpdate("update tenants set name = 'x'"));
            assertEquals(0, c.createStatement().executeUpdate("delete from tenants"));
            SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute(
                    "insert into tenants (tenant_id, slug, name, region, status) values ('" + tenantB
                            + "', 'sneaky', 'x', 'eu', 'active')"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
    }

    @Test
    void tenantACannotReadUpdateDeleteOrInsertTenantBsRows() throws Exception {
        try (Connection c = asRuntimeRole(tenantA)) {
            assertEquals(1, count(c, "select count(*) from tenants"));
            assertEquals(0, count(c, "select count(*) from tenants where tenant_id = '" + tenantB + "'"));
            assertEquals(0, count(c, "select count(*) from audit_tenants where tenant_id = '" + tenantB + "'"));
            assertEquals(0, c.createStatement().executeUpdate("update tenants set name = 'pwned' where tenant_id = '" + tenantB + "'"));
            assertEquals(0, c.createStatement().executeUpdate("delete from tenants where tenant_id = '" + tenantB + "'"));
            SQLException insert = assertThrows(SQLException.class, () -> c.createStatement().execute(
                    "insert into tenants (tenant_id, slug, name, region, status) values ('" + UUID.randomUUID()
                            + "', 'forged', 'x', 'eu', 'active')"));
            assertEquals("42501", insert.getSQLState());
            SQLException move = assertThrows(SQLException.class, () -> c.createStatement().execute(
                    "update tenants set tenant_id = '" + tenantB + "' where tenant_id = '" + tenantA + "'"));
            assertEquals("42501", move.getSQLState());
        }
        try (Connection owner = deployment.databases.connectAsOwner("eu")) {
            assertEquals("B", stringOf(owner, "select name from tenants where tenant_id = '" + tenantB + "'"));
        }
    }

    @Test
    void theApplicationsOwnRepositoryCannotCrossTenantsEither() {
        IruConfig config = IruConfig.from(deployment.environment);
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().controlRuntime(), OpenTelemetry.noop())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            TenantRecords records = new TenantRecords(OrmSessions.create(TenantRecords.ENTITIES));
            assertTrue(router.inTransaction(Region.EU, tenantA, c -> records.find(c, new TenantId(tenantB))).isEmpty());
            boolean deletedOther = router.inTransaction(Region.EU, tenantA, c -> records.delete(c, new TenantId(tenantB)));
            assertFalse(deletedOther);
            assertTrue(router.inTransaction(Region.EU, tenantA, c -> records.find(c, new TenantId(tenantA))).isPresent());
            assertTrue(router.inTransaction(Region.EU, tenantB, c -> records.find(c, new TenantId(tenantB))).isPresent());
        }
    }

    @Test
    void journalsAreAppendOnlyEvenForTheirOwnTenant() throws Exception {
        try (Connection c = asRuntimeRole(tenantA)) {
            for (String sql : new String[] {"update audit_tenants set name = 'x'", "delete from audit_tenants",
                    "truncate audit_tenants", "insert into audit_tenants select * from audit_tenants"}) {
                SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute(sql), sql);
                assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
            }
        }
        try (Connection owner = deployment.databases.connectAsOwner("eu"); Statement s = owner.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("delete from audit_tenants"));
            assertTrue(e.getMessage().contains("append-only"), e.getMessage());
            SQLException t = assertThrows(SQLException.class, () -> s.execute("truncate audit_tenants"));
            assertTrue(t.getMessage().contains("append-only"), t.getMessage());
        }
    }

    private static String stringOf(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
