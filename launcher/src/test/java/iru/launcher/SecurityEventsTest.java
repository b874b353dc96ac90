package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.foundation.config.IruConfig;
import iru.interfaces.http.Json;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The security event log: written with the facts it records, listed per tenant, never changed; table classes. */
class SecurityEventsTest {
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane tenantPlane;
    static TestDeployment.TenantWithKey acme;
    static TestDeployment.TenantWithKey other;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_events");
        control = deployment.start(Plane.control);
        tenantPlane = deployment.start(Plane.tenant);
        acme = TestDeployment.createTenant(control, "events-acme", "eu");
        other = TestDeployment.createTenant(control, "events-other", "eu");
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static JsonNode events(TestDeployment.TenantWithKey tenant, String query) throws Exception {
        var res = tenantPlane.as(tenant.key(), "GET", "/t/" + tenant.slug() + "/v1/events" + query, null);
        assertEquals(200, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body());
    }

    @Test
    void issuingAndRevokingKeysAreEventsOfTheirOwnTenantOnly() throws Exception {
        var issued = tenantPlane.as(acme.key(), "POST", "/t/" + acme.slug() + "/v1/api-keys",
                "{\"name\":\"ci\",\"scopes\":[\"users:read\"]}");
        assertEquals(201, issued.statusCode(), issued.body());
        String keyId = Json.MAPPER.readTree(issued.body()).get("id").asText();
        String secret = Json.MAPPER.readTree(issued.body()).get("key").asText();
        assertEquals(204, tenantPlane.as(acme.key(), "DELETE", "/t/" + acme.slug() + "/v1/api-keys/" + keyId, null)
                .statusCode());

        JsonNode aboutKey = events(acme, "?subject=" + keyId).get("items");
        assertEquals(2, aboutKey.size(), aboutKey.toString());
        assertEquals("api-key.issued", aboutKey.get(0).get("kind").asText());
        assertEquals("users:read", aboutKey.get(0).get("detail").get("scopes").asText());
        assertEquals("api-key.revoked", aboutKey.get(1).get("kind").asText());
        assertTrue(aboutKey.get(0).get("actor").asText().startsWith("key:"), aboutKey.toString());
        assertTrue(!aboutKey.toString().contains(secret.substring(secret.lastIndexOf('_') + 1)),
                "an event must never carry a secret");

        // The control plane issued each tenant's first key: an event of that tenant, by the admin.
        JsonNode first = events(acme, "?kind=api-key.issued&limit=1").get("items").get(0);
        assertEquals("control:admin", first.get("actor").asText());
        // Another tenant sees none of this.
        for (JsonNode event : events(other, "").get("items")) {
            assertTrue(!event.get("subject").asText().equals(keyId), event.toString());
        }
        assertEquals(0, events(acme, "?kind=api-key.issued&since=2999-01-01T00:00:00Z").get("items").size());
    }

    @Test
    void pagesRunOldestFirstWithoutGapsOrRepeats() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(201, tenantPlane.as(other.key(), "POST", "/t/" + other.slug() + "/v1/api-keys",
                    "{\"name\":\"k" + i + "\",\"scopes\":[\"apps:read\"]}").statusCode());
        }
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = events(other, "?kind=api-key.issued&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(e -> ids.add(e.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertEquals(6, ids.size(), ids.toString());
        assertEquals(ids.stream().sorted().toList(), ids);
        assertEquals(ids.size(), ids.stream().distinct().count());
    }

    @Test
    void badFiltersAreA400NamingTheParameter() throws Exception {
        for (String query : new String[] {"?kind=Not%20A%20Kind", "?since=yesterday", "?limit=0", "?cursor=nope",
                "?subject=%01"}) {
            var res = tenantPlane.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/events" + query, null);
            assertEquals(400, res.statusCode(), query + ": " + res.body());
        }
    }

    @Test
    void theRuntimeCanNeitherChangeNorDeleteAnEvent() throws Exception {
        IruConfig config = IruConfig.from(deployment.environment);
        for (var role : config.database().runtimeRoles()) {
            try (Connection c = DriverManager.getConnection(deployment.databases.url("eu"), role.user(), role.password());
                 Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("select set_config('iru.tenant_id', '" + acme.id() + "', true)");
                for (String sql : new String[] {"update security_events set kind = 'nothing.happened'",
                        "delete from security_events", "truncate security_events"}) {
                    SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), role.user() + " " + sql);
                    assertEquals("42501", e.getSQLState(), e.getMessage());
                    c.rollback();
                    s.execute("select set_config('iru.tenant_id', '" + acme.id() + "', true)");
                }
            }
        }
    }

    @Test
    void aTenantTableInNoClassOrAgainstItsClassFailsTheSchemaCheck() throws Exception {
        try (Connection c = deployment.databases.connectAsOwner("us"); Statement s = c.createStatement()) {
            s.execute("create table undeclared (tenant_id uuid not null, id int primary key)");
            s.execute("call tenant_isolate('undeclared', 'iru_tenant')");
            s.execute("create table challenges (tenant_id uuid not null, id int primary key)");
            s.execute("call tenant_ephemeral('challenges', 'iru_tenant')");
            s.execute("grant update on security_events to iru_tenant");
        }
        try {
            var verify = deployment.run("verify-audit", "--region", "us");
            assertEquals(1, verify.exitCode(), verify.output());
            assertTrue(verify.output().contains("undeclared: is in no table class"), verify.output());
            assertTrue(verify.output().contains("challenges: is declared ephemeral but has no `expires_at"),
                    verify.output());
            assertTrue(verify.output().contains("security_events: is a security-event log but iru_tenant may UPDATE"),
                    verify.output());
        } finally {
            try (Connection c = deployment.databases.connectAsOwner("us"); Statement s = c.createStatement()) {
                s.execute("drop table undeclared");
                s.execute("alter table challenges add column expires_at timestamptz not null");
                s.execute("revoke update on security_events from iru_tenant");
            }
        }
        var clean = deployment.run("verify-audit", "--region", "us");
        assertEquals(0, clean.exitCode(), clean.output());
        assertTrue(clean.output().matches("(?s).*ephemeral=\\[[^\\]]*\\bchallenges\\b.*"), clean.output());
        assertTrue(clean.output().contains("security-event=[security_events]"), clean.output());
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
