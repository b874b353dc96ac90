package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.SpanKind;
import iru.application.tenant.TenantResolver;
import iru.foundation.config.IruConfig;
import iru.interfaces.http.Json;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Suspension stops a tenant's API at once (through the directory's notification, not the cache's expiry) and
 * changes nothing while it lasts; resumption restores it; both are journaled with their reason. Tenant resolution
 * caches misses briefly, forgets them when a tenant is created, and never mistakes a failing directory for a miss.
 */
class TenantSuspensionTest {
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane api;

    @BeforeAll
    static void start() {
        deployment = TestDeployment.create("t_suspension");
        control = deployment.start(Plane.control);
        api = deployment.start(Plane.tenant);
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static JsonNode json(HttpResponse<String> res) throws Exception {
        return Json.MAPPER.readTree(res.body());
    }

    static long count(String kind, String sql, Object... args) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Repeats `request` every 50 ms until its status satisfies `until`, for at most `within`; returns the last. */
    static HttpResponse<String> poll(Duration within, IntPredicate until, Request request) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> res = request.send();
        while (!until.test(res.statusCode()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            res = request.send();
        }
        return res;
    }

    interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** Well under the 30 s the resolver caches a live tenant: only the notification can be this fast. */
    static final Duration NOTIFICATION = Duration.ofSeconds(3);

    @Test
    void suspensionRefusesEveryRouteAtOnceChangesNothingAndResumeRestoresService() throws Exception {
        var tenant = TestDeployment.createTenant(control, "halt-co", "eu");
        UUID id = UUID.fromString(tenant.id());
        String base = "/t/halt-co/v1";
        assertEquals(200, api.as(tenant.key(), "GET", base + "/tenant", null).statusCode()); // resolved and cached
        assertEquals(201, api.as(tenant.key(), "POST", base + "/users", "{\"userName\":\"ada\",\"email\":\"ada@h.example\"}")
                .statusCode());

        var suspended = control.admin("POST", "/v1/tenants/" + id + "/suspend", "{\"reason\":\"Unpaid invoice 7\"}");
        assertEquals(200, suspended.statusCode(), suspended.body());
        assertEquals("suspended", json(suspended).get("status").asText());
        long started = System.nanoTime();
        var refused = poll(NOTIFICATION, s -> s == 403, () -> api.as(tenant.key(), "GET", base + "/tenant", null));
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(NOTIFICATION) < 0);
        assertEquals("https://iru.dev/problems/tenant-suspended", json(refused).get("type").asText());
        OpenApiResponsesTest.conforms(Json.MAPPER.readTree(iru.interfaces.openapi.OpenApiService.load(
                iru.interfaces.openapi.OpenApiService.TENANT_DOCUMENT)), "GET", refused);

        // An attempted write (valid key, valid body) and a bad key are both refused, and nothing changes.
        long users = count("eu", "select count(*) from users where tenant_id = ?", id);
        long journal = count("eu", "select last_seq from audit_chain_head where tenant_id = ?", id);
        var write = api.as(tenant.key(), "POST", base + "/users", "{\"userName\":\"eve\",\"email\":\"eve@h.example\"}");
        assertEquals(403, write.statusCode(), write.body());
        assertEquals(403, api.as(tenant.key(), "DELETE", base + "/api-keys/" + tenant.key().substring(5, 21), null)
                .statusCode());
        assertEquals(403, api.as("iruk_0000000000000000_nope", "GET", base + "/users", null).statusCode());
        assertEquals(users, count("eu", "select count(*) from users where tenant_id = ?", id));
        assertEquals(journal, count("eu", "select last_seq from audit_chain_head where tenant_id = ?", id));
        assertEquals(0, count("eu", "select count(*) from api_keys where tenant_id = ? and revoked_at is not null", id));

        // The control plane still shows it, as suspended, and issues it no key.
        assertEquals("suspended", json(control.admin("GET", "/v1/tenants/" + id, null)).get("status").asText());
        assertTrue(control.admin("GET", "/v1/tenants", null).body().contains("\"suspended\""));
        var key = control.admin("POST", "/v1/tenants/" + id + "/api-keys", "{}");
        assertEquals(403, key.statusCode(), key.body());
        assertEquals("https://iru.dev/problems/tenant-suspended", json(key).get("type").asText());

        // Suspending again is fine; the same reason records nothing new.
        assertEquals(200, control.admin("POST", "/v1/tenants/" + id + "/suspend", "{\"reason\":\"Unpaid invoice 7\"}")
                .statusCode());

        var resumed = control.admin("POST", "/v1/tenants/" + id + "/resume", "{\"reason\":\"Invoice 7 paid\"}");
        assertEquals(200, resumed.statusCode(), resumed.body());
        assertEquals("active", json(resumed).get("status").asText());
        var served = poll(NOTIFICATION, s -> s == 200, () -> api.as(tenant.key(), "GET", base + "/tenant", null));
        assertEquals(200, served.statusCode(), served.body());
        assertEquals(200, control.admin("POST", "/v1/tenants/" + id + "/resume", "{\"reason\":\"again\"}").statusCode());

        List<String> changes = new ArrayList<>();
        try (Connection c = deployment.databases.connectAsOwner("eu"); PreparedStatement s = c.prepareStatement(
                "select audit_op, status, status_reason, audit_actor from audit_tenants where tenant_id = ?"
                        + " and audit_op = 'UPDATE' order by audit_seq")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    changes.add(rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
                }
            }
        }
        assertEquals(List.of("suspended|Unpaid invoice 7|control:admin", "active|Invoice 7 paid|control:admin"), changes);
        var audit = deployment.run("verify-audit");
        assertEquals(0, audit.exitCode(), audit.output());
    }

    @Test
    void suspendingOrResumingAnUnknownOrDeletedTenantIs404() throws Exception {
        for (String action : List.of("suspend", "resume")) {
            var res = control.admin("POST", "/v1/tenants/" + UUID.randomUUID() + "/" + action, "{\"reason\":\"x\"}");
            assertEquals(404, res.statusCode(), res.body());
            assertEquals("https://iru.dev/problems/tenant-not-found", json(res).get("type").asText());
        }
        var gone = TestDeployment.createTenant(control, "gone-co", "us");
        assertEquals(204, control.admin("DELETE", "/v1/tenants/" + gone.id(), null).statusCode());
        assertEquals(404, control.admin("POST", "/v1/tenants/" + gone.id() + "/suspend", "{\"reason\":\"x\"}").statusCode());
    }

    @Test
    void badBodiesAreRefusedAndChangeNothing() throws Exception {
        var tenant = TestDeployment.createTenant(control, "strict-co", "us");
        String path = "/v1/tenants/" + tenant.id() + "/suspend";
        assertEquals(400, control.admin("POST", path, "{\"reason\":").statusCode());
        assertEquals(400, control.admin("POST", path, "[\"reason\"]").statusCode());
        assertEquals(400, control.admin("POST", "/v1/tenants/not-a-uuid/suspend", "{\"reason\":\"x\"}").statusCode());
        assertEquals(415, control.admin("POST", path, "reason=x", "Content-Type", "text/plain").statusCode());
        for (String body : List.of("{}", "{\"reason\":\"\"}", "{\"reason\":\"   \"}", "{\"reason\":5}",
                "{\"reason\":\"" + "x".repeat(501) + "\"}", "{\"reason\":\"x\",\"status\":\"active\"}")) {
            var res = control.admin("POST", path, body);
            assertEquals(422, res.statusCode(), body + " -> " + res.body());
        }
        assertEquals(422, control.admin("POST", "/v1/tenants/" + tenant.id() + "/resume", "{}").statusCode());
        assertEquals("active", json(control.admin("GET", "/v1/tenants/" + tenant.id(), null)).get("status").asText());
        assertEquals(0, count("us", "select count(*) from audit_tenants where tenant_id = ? and audit_op = 'UPDATE'",
                UUID.fromString(tenant.id())));
        assertEquals(200, api.as(tenant.key(), "GET", "/t/strict-co/v1/tenant", null).statusCode());
    }

    @Test
    void unknownSlugsAreCachedAsMissesButATenantCreatedMeanwhileResolvesAtOnce() throws Exception {
        api.spans().reset();
        for (int i = 0; i < 20; i++) {
            assertEquals(404, api.get("/t/later-co/v1/tenant").statusCode());
        }
        Thread.sleep(100);
        long lookups = api.spans().getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT)
                .filter(s -> s.getAttributes().asMap().values().stream().anyMatch(v -> String.valueOf(v).contains("later")
                        || String.valueOf(v).contains(deployment.databases.names()[0])))
                .count();
        // Twenty requests for one unknown slug cost one directory query; a second one is tolerated because a
        // notification from tenants other tests created may drop the cached miss once (seen once in CI, cause
        // not confirmed). Without the miss cache this would be twenty.
        assertTrue(lookups >= 1 && lookups <= 2, lookups + " directory queries for twenty requests of one unknown slug");

        long missCached = System.nanoTime();
        var tenant = TestDeployment.createTenant(control, "later-co", "us");
        var res = poll(NOTIFICATION, s -> s == 200, () -> api.as(tenant.key(), "GET", "/t/later-co/v1/tenant", null));
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(Duration.ofNanos(System.nanoTime() - missCached).compareTo(TenantResolver.Settings.DEFAULTS.missTimeToLive()) < 0,
                "must resolve before the cached miss expires, so only the creation's notification can explain it");
    }

    @Test
    void aFailingDirectoryIsA5xxWithACorrelationIdNeverA404AndIsNotCached() throws Exception {
        var tenant = TestDeployment.createTenant(control, "fragile-co", "us"); // not resolved by the tenant plane yet
        String appRole = IruConfig.from(deployment.environment).database().tenantRuntime().user();
        try (Connection c = deployment.databases.connectAsOwner("directory"); Statement s = c.createStatement()) {
            s.execute("revoke select on tenant_directory from " + appRole);
        }
        try {
            var res = api.as(tenant.key(), "GET", "/t/fragile-co/v1/tenant", null);
            assertTrue(res.statusCode() >= 500, res.statusCode() + " " + res.body());
            assertNotEquals(404, res.statusCode());
            assertTrue(json(res).hasNonNull("correlationId"), res.body());
            assertTrue(!res.body().contains("tenant_directory"), "no internals: " + res.body());
        } finally {
            try (Connection c = deployment.databases.connectAsOwner("directory"); Statement s = c.createStatement()) {
                s.execute("grant select on tenant_directory to " + appRole);
            }
        }
        assertEquals(200, api.as(tenant.key(), "GET", "/t/fragile-co/v1/tenant", null).statusCode(),
                "the failure must not have been cached as a miss");
    }
}
