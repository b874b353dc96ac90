package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ControlPlaneTenantsTest {
    static TestDeployment deployment;
    static TestDeployment.Plane control;

    @BeforeAll
    static void start() {
        deployment = TestDeployment.create("t_control_tenants");
        control = deployment.start(Plane.control, Map.of("IRU_DEV_ADMIN_TOKEN_PREVIOUS", "the-previous-token",
                "IRU_DEV_ADMIN_TOKEN_PREVIOUS_EXPIRES", java.time.Instant.now().plusSeconds(1800).toString()));
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static JsonNode json(String body) throws Exception {
        return Json.MAPPER.readTree(body);
    }

    static long count(String kind, String sql) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void rejectsMissingWrongAndNonBearerTokensWith401() throws Exception {
        var missing = control.send(HttpRequest.newBuilder(control.uri("/v1/tenants")).GET().build());
        assertEquals(401, missing.statusCode());
        assertTrue(missing.body().contains("https://iru.dev/problems/unauthorized"), missing.body());
        assertTrue(missing.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
        var wrong = control.send(HttpRequest.newBuilder(control.uri("/v1/tenants"))
                .header("Authorization", "Bearer not-the-token").GET().build());
        assertEquals(401, wrong.statusCode());
        var basic = control.send(HttpRequest.newBuilder(control.uri("/v1/tenants"))
                .header("Authorization", "Basic " + TestDeployment.ADMIN_TOKEN).GET().build());
        assertEquals(401, basic.statusCode());
        // Health stays open: the orchestrator has no token.
        assertEquals(200, control.get("/livez").statusCode());
    }

    @Test
    void acceptsThePreviousTokenDuringRotation() throws Exception {
        var res = control.send(HttpRequest.newBuilder(control.uri("/v1/tenants"))
                .header("Authorization", "Bearer the-previous-token").GET().build());
        assertEquals(200, res.statusCode(), res.body());
    }

    @Test
    void createsTenantInItsRegionOnlyAndAnswersWithLocation() throws Exception {
        var res = control.admin("POST", "/v1/tenants", "{\"slug\":\"acme-eu\",\"name\":\"Acme Corp\",\"region\":\"eu\"}");
        assertEquals(201, res.statusCode(), res.body());
        JsonNode tenant = json(res.body());
        String id = tenant.get("id").asText();
        assertEquals("/v1/tenants/" + id, res.headers().firstValue("location").orElseThrow());
        assertEquals("acme-eu", tenant.get("slug").asText());
        assertEquals("Acme Corp", tenant.get("name").asText());
        assertEquals("eu", tenant.get("region").asText());
        assertEquals("active", tenant.get("status").asText());
        assertTrue(tenant.hasNonNull("createdAt"));
        assertEquals(1, count("eu", "select count(*) from tenants where tenant_id = '" + id + "'"));
        assertEquals(0, count("us", "select count(*) from tenants where tenant_id = '" + id + "'"));
        assertEquals(0, count("us", "select count(*) from audit_tenants where tenant_id = '" + id + "'"));
        assertEquals(1, count("directory", "select count(*) from tenant_directory where id = '" + id
                + "' and region = 'eu' and status = 'active'"));
        var fetched = control.admin("GET", "/v1/tenants/" + id, null);
        assertEquals(200, fetched.statusCode());
        assertEquals("Acme Corp", json(fetched.body()).get("name").asText());
    }

    @Test
    void idempotencyKeyReplaysTheSameTenantAndRefusesADifferentBody() throws Exception {
        String body = "{\"slug\":\"idem-co\",\"name\":\"Idem\",\"region\":\"us\"}";
        var first = control.admin("POST", "/v1/tenants", body, "Idempotency-Key", "key-123");
        var second = control.admin("POST", "/v1/tenants", body, "Idempotency-Key", "key-123");
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(201, second.statusCode(), second.body());
        assertEquals(json(first.body()).get("id"), json(second.body()).get("id"));
        assertEquals("true", second.headers().firstValue("idempotent-replayed").orElse(""));
        assertEquals(1, count("directory", "select count(*) from tenant_directory where slug = 'idem-co'"));
        var other = control.admin("POST", "/v1/tenants", "{\"slug\":\"idem-other\",\"name\":\"Idem\",\"region\":\"us\"}",
                "Idempotency-Key", "key-123");
        assertEquals(422, other.statusCode());
        assertTrue(other.body().contains("idempotency-key-reused"), other.body());
        assertEquals(0, count("directory", "select count(*) from tenant_directory where slug = 'idem-other'"));
    }

    @Test
    void rejectsBadInputWithProblemsNamingTheFieldAndChangesNothing() throws Exception {
        long before = count("directory", "select count(*) from tenant_directory");
        Map<String, String> cases = Map.of(
                "{\"slug\":\"ab\",\"name\":\"X\",\"region\":\"us\"}", "slug",
                "{\"slug\":\"Bad_Slug\",\"name\":\"X\",\"region\":\"us\"}", "slug",
                "{\"slug\":\"fine-slug\",\"name\":\"\",\"region\":\"us\"}", "name",
                "{\"slug\":\"fine-slug\",\"name\":\"X\"}", "region",
                "{\"slug\":\"fine-slug\",\"name\":\"X\",\"region\":\"us\",\"plan\":\"gold\"}", "plan",
                "{\"slug\":42,\"name\":\"X\",\"region\":\"us\"}", "slug");
        for (var c : cases.entrySet()) {
            var res = control.admin("POST", "/v1/tenants", c.getKey());
            assertEquals(422, res.statusCode(), c.getKey() + " -> " + res.body());
            assertEquals(c.getValue(), json(res.body()).get("field").asText(), res.body());
            assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
        }
        var notJson = control.admin("POST", "/v1/tenants", "{\"slug\":");
        assertEquals(400, notJson.statusCode());
        var array = control.admin("POST", "/v1/tenants", "[1,2]");
        assertEquals(400, array.statusCode());
        var wrongType = control.send(HttpRequest.newBuilder(control.uri("/v1/tenants"))
                .header("Authorization", "Bearer " + TestDeployment.ADMIN_TOKEN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("slug=x")).build());
        assertEquals(415, wrongType.statusCode());
        var huge = control.admin("POST", "/v1/tenants", "{\"slug\":\"big\",\"name\":\"" + "x".repeat(70_000) + "\",\"region\":\"us\"}");
        assertEquals(413, huge.statusCode());
        var badUtf8 = control.send(HttpRequest.newBuilder(control.uri("/v1/tenants"))
                .header("Authorization", "Bearer " + TestDeployment.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                .build());
        assertEquals(400, badUtf8.statusCode(), badUtf8.body());
        var unknownRegion = control.admin("POST", "/v1/tenants", "{\"slug\":\"far-away\",\"name\":\"X\",\"region\":\"ap\"}");
        assertEquals(422, unknownRegion.statusCode());
        assertTrue(json(unknownRegion.body()).get("type").asText().endsWith("region-unavailable"));
        assertEquals(before, count("directory", "select count(*) from tenant_directory"));
    }

    @Test
    void refusesRegionThisDeploymentDoesNotServeWith422() throws Exception {
        TestDeployment.Plane usOnly = deployment.start(Plane.control, Map.of("IRU_REGIONS", "us"));
        var res = usOnly.admin("POST", "/v1/tenants", "{\"slug\":\"eu-only\",\"name\":\"X\",\"region\":\"eu\"}");
        assertEquals(422, res.statusCode(), res.body());
        assertTrue(json(res.body()).get("type").asText().endsWith("region-unavailable"));
        assertEquals(0, count("directory", "select count(*) from tenant_directory where slug = 'eu-only'"));
    }

    @Test
    void regionalFailureLeavesNoHalfCreatedTenantAndARetryCompletesIt() throws Exception {
        String eu = deployment.databases.names()[2];
        iru.testkit.TestDatabases.admin("alter database " + eu + " allow_connections false");
        iru.testkit.TestDatabases.admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + eu + "'");
        String body = "{\"slug\":\"half-co\",\"name\":\"Half\",\"region\":\"eu\"}";
        try {
            var failed = control.admin("POST", "/v1/tenants", body, "Idempotency-Key", "half-1");
            assertEquals(503, failed.statusCode(), failed.body());
            assertTrue(failed.body().contains("database-unavailable"), failed.body());
            assertEquals(0, count("directory", "select count(*) from tenant_directory where slug = 'half-co'"));
        } finally {
            iru.testkit.TestDatabases.admin("alter database " + eu + " allow_connections true");
        }
        // A client retries a 503 with the same key; connections the outage killed are evicted as they are met.
        var retried = control.admin("POST", "/v1/tenants", body, "Idempotency-Key", "half-1");
        for (int attempt = 0; attempt < 20 && retried.statusCode() == 503; attempt++) {
            Thread.sleep(100);
            retried = control.admin("POST", "/v1/tenants", body, "Idempotency-Key", "half-1");
        }
        assertEquals(201, retried.statusCode(), retried.body());
        String id = json(retried.body()).get("id").asText();
        assertEquals(1, count("eu", "select count(*) from tenants where tenant_id = '" + id + "'"));
        assertEquals(1, count("directory", "select count(*) from tenant_directory where slug = 'half-co' and status = 'active'"));
    }

    @Test
    void duplicateSlugIsAConflict() throws Exception {
        assertEquals(201, control.admin("POST", "/v1/tenants", "{\"slug\":\"twice\",\"name\":\"A\",\"region\":\"us\"}").statusCode());
        var again = control.admin("POST", "/v1/tenants", "{\"slug\":\"twice\",\"name\":\"B\",\"region\":\"eu\"}");
        assertEquals(409, again.statusCode(), again.body());
        assertEquals(0, count("eu", "select count(*) from tenants where slug = 'twice'"));
    }

    @Test
    void listsEveryTenantOnceThroughCursorPages() throws Exception {
        for (int i = 0; i < 7; i++) {
            assertEquals(201, control.admin("POST", "/v1/tenants",
                    "{\"slug\":\"page-" + i + "\",\"name\":\"Page " + i + "\",\"region\":\"" + (i % 2 == 0 ? "us" : "eu")
                            + "\"}").statusCode());
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var res = control.admin("GET", "/v1/tenants?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertEquals(200, res.statusCode(), res.body());
            JsonNode page = json(res.body());
            for (JsonNode item : page.get("items")) {
                assertTrue(seen.add(item.get("id").asText()), "seen twice: " + item);
                assertFalse(item.get("name").isNull(), item.toString());
            }
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 100);
        assertTrue(seen.size() >= 7, seen.toString());
        assertEquals(count("directory", "select count(*) from tenant_directory where status = 'active'"), seen.size());
        var badCursor = control.admin("GET", "/v1/tenants?cursor=not-a-cursor", null);
        assertEquals(400, badCursor.statusCode());
        assertEquals("cursor", json(badCursor.body()).get("field").asText());
        assertEquals(400, control.admin("GET", "/v1/tenants?limit=0", null).statusCode());
    }

    @Test
    void deleteRemovesLiveDataTombstonesDirectoryAndKeepsTheJournal() throws Exception {
        var created = control.admin("POST", "/v1/tenants", "{\"slug\":\"short-lived\",\"name\":\"Brief\",\"region\":\"eu\"}");
        String id = json(created.body()).get("id").asText();
        var deleted = control.admin("DELETE", "/v1/tenants/" + id, null);
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(0, count("eu", "select count(*) from tenants where tenant_id = '" + id + "'"));
        assertEquals(1, count("directory", "select count(*) from tenant_directory where id = '" + id
                + "' and status = 'deleted' and deleted_at is not null"));
        assertEquals(2, count("eu", "select count(*) from audit_tenants where tenant_id = '" + id + "'"));
        assertEquals(1, count("eu", "select count(*) from audit_tenants where tenant_id = '" + id
                + "' and audit_op = 'DELETE' and audit_actor = 'control:admin'"));
        assertEquals(404, control.admin("GET", "/v1/tenants/" + id, null).statusCode());
        assertEquals(404, control.admin("DELETE", "/v1/tenants/" + id, null).statusCode());
        assertEquals(404, control.admin("GET", "/v1/tenants/" + UUID.randomUUID(), null).statusCode());
        assertEquals(400, control.admin("GET", "/v1/tenants/12345", null).statusCode());
        // The slug is the tenant's issuer: it never passes to another tenant, not even after deletion.
        var reused = control.admin("POST", "/v1/tenants", "{\"slug\":\"short-lived\",\"name\":\"Again\",\"region\":\"us\"}");
        assertEquals(409, reused.statusCode(), reused.body());
        assertEquals(0, count("us", "select count(*) from tenants where slug = 'short-lived'"));
        assertEquals(1, count("directory", "select count(*) from tenant_directory where slug = 'short-lived'"));
    }
}
