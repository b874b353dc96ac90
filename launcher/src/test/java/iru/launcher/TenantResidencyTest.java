package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.sdk.trace.data.SpanData;
import iru.interfaces.http.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TenantResidencyTest {
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane tenantPlane;
    static TestDeployment.Plane usOnlyTenantPlane;
    static String euTenantId;
    static String euKey;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_residency");
        control = deployment.start(Plane.control);
        // The provisioning workers poll every served region meanwhile: each request is traced to tell its SQL apart.
        tenantPlane = deployment.start(Plane.tenant);
        usOnlyTenantPlane = deployment.start(Plane.tenant, Map.of("IRU_REGIONS", "us"));
        var created = TestDeployment.createTenant(control, "euro-co", "eu");
        euTenantId = created.id();
        euKey = created.key();
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    @Test
    void tenantApiAnswersFromTheTenantsRegionalDatabase() throws Exception {
        RequestTrace trace = RequestTrace.start();
        var res = tenantPlane.as(euKey, "GET", "/t/euro-co/v1/tenant", null, trace.header());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode tenant = Json.MAPPER.readTree(res.body());
        assertEquals(euTenantId, tenant.get("id").asText());
        assertEquals("eu", tenant.get("region").asText());
        assertEquals("euro-co", tenant.get("name").asText());
        List<String> databases = sqlDatabases(trace, tenantPlane);
        assertTrue(databases.contains(deployment.databases.names()[2]), databases.toString()); // t_residency_eu
        assertTrue(!databases.contains(deployment.databases.names()[1]), databases.toString()); // never us
    }

    /**
     * A user read by id is one SELECT sent with the tenant's settings in one round trip: traced as one statement
     * under its use case on the tenant's regional database, and another tenant's user id is a 404 through it.
     */
    @Test
    void userReadByIdIsOneTracedStatementOnTheTenantsDatabaseAndAnotherTenantsUserIs404() throws Exception {
        var created = tenantPlane.as(euKey, "POST", "/t/euro-co/v1/users",
                "{\"userName\":\"one-trip\",\"email\":\"one-trip@euro.example\"}");
        assertEquals(201, created.statusCode(), created.body());
        String userId = Json.MAPPER.readTree(created.body()).get("id").asText();

        RequestTrace trace = RequestTrace.start();
        var read = tenantPlane.as(euKey, "GET", "/t/euro-co/v1/users/" + userId, null, trace.header());
        assertEquals(200, read.statusCode(), read.body());
        assertEquals("one-trip", Json.MAPPER.readTree(read.body()).get("userName").asText());
        List<SpanData> sql = trace.sqlSpans(tenantPlane);
        SpanData useCase = tenantPlane.spans().getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(trace.traceId()) && s.getName().equals("GetUser"))
                .findFirst().orElseThrow();
        List<SpanData> underUseCase = sql.stream()
                .filter(s -> s.getParentSpanId().equals(useCase.getSpanId())).toList();
        assertEquals(1, underUseCase.size(), "one statement for the read: " + underUseCase);
        assertEquals(deployment.databases.names()[2], databaseOf(underUseCase.getFirst())); // t_residency_eu

        var neighbour = TestDeployment.createTenant(control, "neighbour-co", "eu");
        var crossed = tenantPlane.as(neighbour.key(), "GET", "/t/neighbour-co/v1/users/" + userId, null);
        assertEquals(404, crossed.statusCode(), "another tenant's user through the one-round-trip read");
        assertTrue(crossed.body().contains("not-found"), crossed.body());
    }

    @Test
    void tenantApiNeedsAValidKeyOfThatTenant() throws Exception {
        assertEquals(401, tenantPlane.get("/t/euro-co/v1/tenant").statusCode());
        assertEquals(401, tenantPlane.as("iruk_0000000000000000_nope", "GET", "/t/euro-co/v1/tenant", null).statusCode());
        var other = TestDeployment.createTenant(control, "other-co", "eu");
        var crossed = tenantPlane.as(other.key(), "GET", "/t/euro-co/v1/tenant", null);
        assertEquals(401, crossed.statusCode(), "a key of another tenant must not work here");
    }

    @Test
    void unknownTenantIs404() throws Exception {
        var res = tenantPlane.get("/t/no-such-co/v1/tenant");
        assertEquals(404, res.statusCode());
        assertTrue(res.body().contains("https://iru.dev/problems/tenant-not-found"), res.body());
        assertEquals(404, tenantPlane.get("/t/NOT_A_SLUG/v1/tenant").statusCode());
    }

    @Test
    void usOnlyDeploymentRefusesEuTenantWith421AndQueriesNoRegionalDatabase() throws Exception {
        RequestTrace trace = RequestTrace.start();
        String[] traceparent = trace.header();
        var res = usOnlyTenantPlane.send(java.net.http.HttpRequest.newBuilder(usOnlyTenantPlane.uri(
                "/t/euro-co/v1/tenant")).header(traceparent[0], traceparent[1]).GET().build());
        assertEquals(421, res.statusCode(), res.body());
        assertTrue(Json.MAPPER.readTree(res.body()).get("type").asText().endsWith("region-not-served"));
        List<String> databases = sqlDatabases(trace, usOnlyTenantPlane);
        assertTrue(databases.stream().allMatch(db -> db.equals(deployment.databases.names()[0])),
                "only the directory may be queried, saw " + databases);
        assertTrue(!databases.isEmpty(), "the directory lookup should be traced");
    }

    @Test
    void deletedTenantStopsResolvingAtOnceDespiteTheCache() throws Exception {
        var created = TestDeployment.createTenant(control, "going-away", "us");
        String id = created.id();
        assertEquals(200, tenantPlane.as(created.key(), "GET", "/t/going-away/v1/tenant", null).statusCode()); // cached
        assertEquals(204, control.admin("DELETE", "/v1/tenants/" + id, null).statusCode());
        int status = 0;
        for (int i = 0; i < 40 && status != 404; i++) { // the cache lives 30 s; notification must beat that
            status = tenantPlane.as(created.key(), "GET", "/t/going-away/v1/tenant", null).statusCode();
            Thread.sleep(50);
        }
        assertEquals(404, status);
    }

    /** The database names of the SQL spans of `trace` (JDBC instrumentation's db.namespace / db.name). */
    private static List<String> sqlDatabases(RequestTrace trace, TestDeployment.Plane plane)
            throws InterruptedException {
        return trace.sqlSpans(plane).stream()
                .map(TenantResidencyTest::databaseOf)
                .toList();
    }

    private static String databaseOf(SpanData span) {
        return span.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("db.namespace") || e.getKey().getKey().equals("db.name"))
                .map(e -> String.valueOf(e.getValue()))
                .findFirst().orElse("?");
    }
}
