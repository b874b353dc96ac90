package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.IruConfig;
import iru.interfaces.http.Json;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every way a write could escape the journal, tried: diverting the trigger into session tables, writing around the
 * trigger, widening a policy, and evolving a journaled table. Each is refused or named by `verify-audit`.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JournalEvasionTest {
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static IruConfig config;

    @BeforeAll
    static void start() {
        deployment = TestDeployment.create("t_evasion");
        control = deployment.start(Plane.control);
        config = IruConfig.from(deployment.environment);
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static UUID createTenant(String slug) throws Exception {
        var res = control.admin("POST", "/v1/tenants", "{\"slug\":\"" + slug + "\",\"name\":\"" + slug
                + "\",\"region\":\"eu\"}");
        assertEquals(201, res.statusCode(), res.body());
        return UUID.fromString(Json.MAPPER.readTree(res.body()).get("id").asText());
    }

    static Connection as(DatabaseCredentials role, String kind) throws SQLException {
        return DriverManager.getConnection(deployment.databases.url(kind), role.user(), role.password());
    }

    static void asOwner(String sql) throws SQLException {
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** As the owner with the audit trigger on: the row and its journal entry are written together. */
    static UUID journaledUser(UUID tenant, String name) throws SQLException {
        UUID user = UUID.randomUUID();
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("select set_config('iru.tenant_id', '" + tenant + "', true)");
            s.execute(insertUser(tenant, user, name));
            c.commit();
        }
        return user;
    }

    static String insertUser(UUID tenant, UUID user, String name) {
        return "insert into users (tenant_id, user_id, user_name, email, status, version, created_at, updated_at)"
                + " values ('" + tenant + "', '" + user + "', '" + name + "', '" + name + "@example.com', 'active', 1,"
                + " now(), now())";
    }

    /** What an attacker holding the superuser would do: write with every trigger off. */
    static void aroundTheTrigger(String sql) throws SQLException {
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.execute(sql);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    void runtimeRolesCanCreateNeitherSessionTablesNorObjectsInAnyDatabase() throws Exception {
        for (DatabaseCredentials role : config.database().runtimeRoles()) {
            for (String kind : new String[] {"directory", "us", "eu"}) {
                try (Connection c = as(role, kind); Statement s = c.createStatement()) {
                    for (String sql : new String[] {
                            "create temporary table audit_users (like public.audit_users)",
                            "create temporary table audit_chain_head (tenant_id uuid, last_seq bigint, last_hash bytea)",
                            "create table public.sneaky (id int)",
                            "create schema sneaky"}) {
                        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), role.user() + " " + sql);
                        assertEquals("42501", e.getSQLState(), role.user() + "@" + kind + ": " + sql + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    @Test
    @Order(2)
    void diversionIntoSessionTablesStillLandsInTheRealJournal() throws Exception {
        UUID tenant = createTenant("diverted-co");
        String role = config.database().tenantRuntime().user();
        // Suppose TEMPORARY came back by mistake: the trigger must still not be fooled by same-named session tables.
        asOwner("grant temporary on database " + deployment.databases.names()[2] + " to " + role);
        UUID user = UUID.randomUUID();
        try (Connection c = as(config.database().tenantRuntime(), "eu"); Statement s = c.createStatement()) {
            s.execute("create temporary table audit_chain_head (tenant_id uuid primary key, last_seq bigint not null,"
                    + " last_hash bytea not null)");
            s.execute("create temporary table audit_users (like public.audit_users)");
            c.setAutoCommit(false);
            s.execute("select set_config('iru.tenant_id', '" + tenant + "', true)");
            s.execute(insertUser(tenant, user, "diverted"));
            c.commit();
            assertEquals(0, count(c, "select count(*) from pg_temp.audit_users"));
            assertEquals(0, count(c, "select count(*) from pg_temp.audit_chain_head"));
        } finally {
            asOwner("revoke temporary on database " + deployment.databases.names()[2] + " from " + role);
        }
        try (Connection owner = deployment.databases.connectAsOwner("eu")) {
            assertEquals(1, count(owner, "select count(*) from public.audit_users where user_id = '" + user + "'"));
        }
        var verify = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(0, verify.exitCode(), verify.output());
    }

    @Test
    @Order(3)
    void rowWrittenAroundTheTriggerIsNamedWithTableTenantAndKey() throws Exception {
        UUID tenant = createTenant("unjournaled-co");
        UUID user = UUID.randomUUID();
        aroundTheTrigger(insertUser(tenant, user, "ghost"));
        var verify = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(1, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("users tenant=" + tenant + " user_id=" + user), verify.output());
        assertTrue(verify.output().contains("no journal entry"), verify.output());
    }

    @Test
    @Order(4)
    void rowChangedAroundTheTriggerIsNamed() throws Exception {
        UUID tenant = createTenant("changed-co");
        UUID user = journaledUser(tenant, "honest");
        assertEquals(0, deployment.run("verify-audit", "--tenant", tenant.toString()).exitCode());
        aroundTheTrigger("update users set email = 'attacker@example.com' where user_id = '" + user + "'");
        var verify = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(1, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("users tenant=" + tenant + " user_id=" + user), verify.output());
        assertTrue(verify.output().contains("differs from its latest journal entry"), verify.output());
    }

    @Test
    @Order(5)
    void rowDeletedAroundTheTriggerIsNamed() throws Exception {
        UUID tenant = createTenant("vanished-co");
        UUID user = journaledUser(tenant, "vanishing");
        aroundTheTrigger("delete from users where user_id = '" + user + "'");
        var verify = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(1, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("users tenant=" + tenant + " user_id=" + user), verify.output());
        assertTrue(verify.output().contains("row is gone"), verify.output());
    }

    @Test
    @Order(6)
    void tenantRecordWrittenAroundTheTriggerIsFoundWithoutNamingIt() throws Exception {
        UUID tenant = UUID.randomUUID();
        aroundTheTrigger("insert into tenants (tenant_id, slug, name, region, status) values ('" + tenant
                + "', 'smuggled', 'Smuggled', 'eu', 'active')");
        var verify = deployment.run("verify-audit", "--region", "eu");
        assertEquals(1, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("tenants tenant=" + tenant), verify.output());
        aroundTheTrigger("delete from tenants where tenant_id = '" + tenant + "'");
    }

    @Test
    @Order(7)
    void widenedPoliciesFailTheSchemaCheckNamingTheTable() throws Exception {
        asOwner("create policy leak on users using (true)");
        try {
            var verify = deployment.run("verify-audit", "--region", "eu");
            assertEquals(1, verify.exitCode(), verify.output());
            assertTrue(verify.output().contains("users: has 2 row-level security policies"), verify.output());
            assertTrue(verify.output().contains("users: policy leak USING is 'true'"), verify.output());
        } finally {
            asOwner("drop policy leak on users");
        }
        asOwner("alter policy tenant_isolation on groups with check (true)");
        try {
            var verify = deployment.run("verify-audit", "--region", "eu");
            assertEquals(1, verify.exitCode(), verify.output());
            assertTrue(verify.output().contains("groups: policy tenant_isolation WITH CHECK is 'true'"), verify.output());
        } finally {
            asOwner("alter policy tenant_isolation on groups with check (tenant_id = current_tenant_id())");
        }
        var clean = deployment.run("verify-audit", "--region", "eu");
        assertTrue(!clean.output().contains("policy"), clean.output());
    }

    @Test
    @Order(8)
    void entriesWrittenBeforeAndAfterAddedColumnsKeepVerifying() throws Exception {
        UUID tenant = createTenant("evolving-co");
        journaledUser(tenant, "before-1");
        UUID changed = journaledUser(tenant, "before-2");
        // The documented way: alter the table and its journal the same way.
        asOwner("alter table users add column nickname text");
        asOwner("alter table audit_users add column nickname text");
        journaledUser(tenant, "after-nullable");
        var afterNullable = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(0, afterNullable.exitCode(), afterNullable.output());

        asOwner("alter table users add column tier text not null default 'basic'");
        asOwner("alter table audit_users add column tier text not null default 'basic'");
        journaledUser(tenant, "after-default");
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("select set_config('iru.tenant_id', '" + tenant + "', true)");
            s.execute("update users set tier = 'gold', nickname = 'Two' where user_id = '" + changed + "'");
            c.commit();
        }
        var afterDefault = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(0, afterDefault.exitCode(), afterDefault.output());
        assertTrue(afterDefault.output().contains("journal entries"), afterDefault.output());
    }
}
