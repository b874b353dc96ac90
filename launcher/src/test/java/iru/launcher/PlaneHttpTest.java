package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import iru.testkit.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlaneHttpTest {
    static TestDeployment deployment;
    static TestDeployment.Plane plane;

    @BeforeAll
    static void start() {
        deployment = TestDeployment.create("t_plane_http");
        plane = deployment.start(Plane.tenant);
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    @Test
    void livenessAndReadinessAnswerWhenEverythingIsUp() throws Exception {
        var live = plane.get("/livez");
        assertEquals(200, live.statusCode());
        var ready = plane.get("/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"directory\":true") && ready.body().contains("\"eu\":true"), ready.body());
    }

    @Test
    void oneRequestYieldsHttpThenUseCaseThenSqlSpansInOneTrace() throws Exception {
        plane.spans().reset();
        assertEquals(200, plane.get("/readyz").statusCode());
        // Spans of earlier requests may still be ending; follow this request's use case to its parent and children.
        SpanData useCase = null;
        SpanData server = null;
        for (int i = 0; i < 100 && server == null; i++) {
            List<SpanData> spans = plane.spans().getFinishedSpanItems();
            useCase = spans.stream().filter(s -> s.getName().equals("CheckReadiness")).findFirst().orElse(null);
            if (useCase != null) {
                String parent = useCase.getParentSpanId();
                server = spans.stream().filter(s -> s.getSpanId().equals(parent)).findFirst().orElse(null);
            }
            Thread.sleep(20);
        }
        assertNotNull(server, "the server span of the request");
        assertEquals(SpanKind.SERVER, server.getKind());
        assertEquals("GET /readyz", server.getName());
        assertEquals("/readyz", server.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("http.route")).findFirst().orElseThrow().getValue());
        assertEquals(SpanKind.INTERNAL, useCase.getKind());
        String useCaseId = useCase.getSpanId();
        List<SpanData> sql = plane.spans().getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT && s.getParentSpanId().equals(useCaseId)).toList();
        assertEquals(3, sql.size(), "one SQL span per database ping");
        for (SpanData statement : sql) {
            assertEquals(server.getTraceId(), statement.getTraceId());
            assertTrue(statement.getAttributes().asMap().keySet().stream()
                    .anyMatch(k -> k.getKey().startsWith("db.")), statement.toString());
        }
    }

    @Test
    void unexpectedFailureIsProblemJson500WithCorrelationIdAndNoInternals() throws Exception {
        var res = plane.get("/dev/fail");
        assertEquals(500, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
        assertTrue(res.body().contains("\"type\":\"https://iru.dev/problems/internal-error\""), res.body());
        assertTrue(res.body().matches(".*\"correlationId\":\"[0-9a-f-]{36}\".*"), res.body());
        assertFalse(res.body().contains("deliberate"), "internal detail leaked: " + res.body());
    }

    @Test
    void unknownPathIsProblemJson404() throws Exception {
        var res = plane.get("/no/such/thing");
        assertEquals(404, res.statusCode());
        assertTrue(res.body().contains("https://iru.dev/problems/not-found"), res.body());
    }

    @Test
    void knownResourceWithWrongMethodIs405WithAllow() throws Exception {
        var res = plane.send(java.net.http.HttpRequest.newBuilder(plane.uri("/livez"))
                .DELETE().build());
        assertEquals(405, res.statusCode(), res.body());
        assertEquals("GET", res.headers().firstValue("allow").orElseThrow());
        assertTrue(res.body().contains("https://iru.dev/problems/method-not-allowed"), res.body());
    }

    @Test
    void readinessFailsAndLivenessHoldsWhenARegionalDatabaseIsDown() throws Exception {
        String database = deployment.databases.names()[2];
        TestDatabases.admin("alter database " + database + " allow_connections false");
        TestDatabases.admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
        try {
            var ready = plane.get("/readyz");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("https://iru.dev/problems/not-ready"), ready.body());
            assertTrue(ready.body().contains("\"eu\":false"), ready.body());
            // Which database and why, as a category; where it lives and what the server said stay internal.
            assertTrue(ready.body().matches(".*\"failures\":\\{\"eu\":\"(timeout|unreachable)\"}.*"), ready.body());
            assertTrue(ready.body().matches(".*\"correlationId\":\"[0-9a-f-]{36}\".*"), ready.body());
            assertFalse(ready.body().contains(database), ready.body());
            assertFalse(ready.body().contains("127.0.0.1") || ready.body().contains("jdbc:"), ready.body());
            assertFalse(ready.body().contains("iru_app"), ready.body());
            assertEquals(200, plane.get("/livez").statusCode());
        } finally {
            TestDatabases.admin("alter database " + database + " allow_connections true");
        }
        // Connections killed above are evicted as they are found dead; readiness comes back on its own.
        int status = 0;
        for (int i = 0; i < 50 && status != 200; i++) {
            status = plane.get("/readyz").statusCode();
            Thread.sleep(100);
        }
        assertEquals(200, status);
    }
}
