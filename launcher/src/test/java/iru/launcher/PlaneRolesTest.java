package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.IruConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each plane's database role can do its own plane's work and nothing of the other's. */
class PlaneRolesTest {
    static TestDeployment deployment;
    static TestDeployment.TenantWithKey tenant;
    static IruConfig config;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_roles");
        tenant = TestDeployment.createTenant(deployment.start(Plane.control), "roles-co", "us");
        config = IruConfig.from(deployment.environment);
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static void refused(DatabaseCredentials role, String kind, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(deployment.databases.url(kind), role.user(), role.password());
             Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("select set_config('iru.tenant_id', '" + tenant.id() + "', true)");
            SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), role.user() + ": " + sql);
            assertEquals("42501", e.getSQLState(), role.user() + "@" + kind + ": " + sql + ": " + e.getMessage());
            c.rollback();
        }
    }

    @Test
    void tenantPlaneCannotWriteTheDirectoryTenantCreationRequestsOrTheCatalog() throws Exception {
        DatabaseCredentials role = config.database().tenantRuntime();
        String other = UUID.randomUUID().toString();
        refused(role, "directory", "insert into tenant_directory (id, slug, region, status) values ('" + other
                + "', 'hijack', 'us', 'active')");
        refused(role, "directory", "update tenant_directory set region = 'eu' where id = '" + tenant.id() + "'");
        refused(role, "directory", "delete from tenant_directory where id = '" + tenant.id() + "'");
        refused(role, "directory", "insert into tenant_creation_requests (idempotency_key, request_fingerprint,"
                + " tenant_id) values ('k', '\\x00', '" + tenant.id() + "')");
        refused(role, "directory", "select * from tenant_creation_requests");
        refused(role, "directory", "insert into catalog_templates (key, name, content_hash, status, synced_at)"
                + " values ('evil', 'Evil', '\\x00', 'active', now())");
        for (String region : new String[] {"us", "eu"}) {
            refused(role, region, "insert into catalog_templates (key, name, content_hash, status, synced_at)"
                    + " values ('evil', 'Evil', '\\x00', 'active', now())");
            refused(role, region, "update catalog_templates set status = 'deprecated'");
            refused(role, region, "delete from catalog_templates");
            refused(role, region, "update tenants set status = 'active'");
            refused(role, region, "delete from tenants");
            refused(role, region, "insert into tenants (tenant_id, slug, name, region, status) values ('" + other
                    + "', 'forged', 'F', '" + region + "', 'active')");
        }
    }

    @Test
    void controlPlaneCannotReadOrWriteUsersGroupsOrApplications() throws Exception {
        DatabaseCredentials role = config.database().controlRuntime();
        for (String region : new String[] {"us", "eu"}) {
            for (String table : new String[] {"users", "groups", "group_members", "applications",
                    "app_user_assignments", "app_group_assignments", "audit_users", "audit_groups",
                    "audit_applications"}) {
                refused(role, region, "select * from " + table);
                refused(role, region, "delete from " + table);
            }
            refused(role, region, "insert into users (tenant_id, user_id, user_name, email, status, version, created_at,"
                    + " updated_at) values ('" + tenant.id() + "', gen_random_uuid(), 'x', 'x@example.com', 'active', 1,"
                    + " now(), now())");
            refused(role, region, "update api_keys set revoked_at = now()");
        }
    }

    @Test
    void bothRolesAreLoginsThatOwnNothingAndCannotBypassRowLevelSecurity() throws Exception {
        for (DatabaseCredentials role : config.database().runtimeRoles()) {
            try (Connection c = DriverManager.getConnection(deployment.databases.url("us"), role.user(), role.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,"
                         + " (select count(*) from pg_class where relowner = r.oid) from pg_roles r"
                         + " where rolname = current_user")) {
                rs.next();
                for (int i = 1; i <= 4; i++) {
                    assertFalse(rs.getBoolean(i), role.user() + " attribute " + i);
                }
                assertEquals(0, rs.getLong(5), role.user() + " owns objects");
            }
        }
    }
}
