package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.interfaces.http.Json;
import iru.testkit.LoopbackCollector;
import iru.testkit.TestDatabases;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spans leave over OTLP/HTTP when an endpoint is set, sampled per trace at the root (a caller's decision is followed);
 * unexpected errors reach Sentry, sampled, with the correlation id.
 */
class TelemetryExportTest {
    static TestDeployment deployment;

    @BeforeAll
    static void create() {
        deployment = TestDeployment.create("t_telemetry_export");
    }

    @AfterAll
    static void drop() {
        deployment.close();
    }

    @Test
    void spansAreExportedOverOtlpHttpWhenAnEndpointIsSet() throws Exception {
        try (LoopbackCollector collector = LoopbackCollector.start()) {
            var plane = deployment.start(Plane.tenant, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.base().toString()));
            assertEquals(200, plane.get("/readyz").statusCode());
            plane.runtime().stop(); // flushes the batch processor
            var traces = collector.received().stream().filter(r -> r.path().equals("/v1/traces")).toList();
            assertTrue(!traces.isEmpty(), "no OTLP export: " + collector.received());
            assertEquals("application/x-protobuf", traces.getFirst().contentType());
            assertTrue(traces.stream().anyMatch(t -> t.text().contains("CheckReadiness")), "use-case span exported");
        }
    }

    @Test
    void unsampledRequestsRecordNothingAndACallersSampledTraceIsRecordedWholeFromHttpToSql() throws Exception {
        var plane = deployment.start(Plane.tenant, Map.of("IRU_TRACE_SAMPLE_RATIO", "0"));
        for (int i = 0; i < 20; i++) {
            assertEquals(200, plane.get("/readyz").statusCode());
        }
        assertEquals(List.of(), plane.spans().getFinishedSpanItems(), "ratio 0 records no trace of our own");

        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        var sampled = plane.send(HttpRequest.newBuilder(plane.uri("/readyz"))
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01").GET().build());
        assertEquals(200, sampled.statusCode());
        var unsampled = plane.send(HttpRequest.newBuilder(plane.uri("/readyz"))
                .header("traceparent", "00-" + "5".repeat(32) + "-" + callerSpan + "-00").GET().build());
        assertEquals(200, unsampled.statusCode());

        List<SpanData> spans = plane.spans().getFinishedSpanItems();
        assertTrue(spans.stream().allMatch(s -> s.getTraceId().equals(traceId)), "only the sampled trace: " + spans);
        SpanData server = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertEquals(callerSpan, server.getParentSpanId());
        SpanData useCase = spans.stream().filter(s -> s.getName().equals("CheckReadiness")).findFirst().orElseThrow();
        assertEquals(server.getSpanId(), useCase.getParentSpanId());
        List<SpanData> sql = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertFalse(sql.isEmpty(), "SQL spans recorded: " + spans);
        Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
        for (SpanData statement : sql) {
            // every SQL span hangs under the use case, directly or through a span of its own trace
            SpanData parent = byId.get(statement.getParentSpanId());
            while (parent != null && !parent.getSpanId().equals(useCase.getSpanId())) {
                parent = byId.get(parent.getParentSpanId());
            }
            assertTrue(parent != null, "SQL span " + statement.getName() + " is connected to the use case");
        }
    }

    @Test
    void unexpectedErrorIsCapturedBySentryWithItsCorrelationId() throws Exception {
        try (LoopbackCollector sentry = LoopbackCollector.start()) {
            String dsn = "http://0123456789abcdef@127.0.0.1:" + sentry.base().getPort() + "/42";
            var plane = deployment.start(Plane.tenant, Map.of("IRU_SENTRY_DSN", dsn, "IRU_SENTRY_SAMPLE_RATE", "1.0"));
            var res = plane.get("/dev/fail");
            assertEquals(500, res.statusCode());
            String correlationId = Json.MAPPER.readTree(res.body()).get("correlationId").asText();
            plane.runtime().stop(); // flushes error reporting
            var envelopes = sentry.received().stream().filter(r -> r.path().equals("/api/42/envelope/")).toList();
            assertTrue(envelopes.stream().anyMatch(e -> e.text().contains(correlationId)),
                    "the captured event carries the correlation id: " + sentry.received());
        }
    }

    @Test
    void aDatabaseFailingReadinessIsReportedOnceWithItsCauseUnderTheCorrelationIdTheProbeShows() throws Exception {
        try (LoopbackCollector sentry = LoopbackCollector.start()) {
            String dsn = "http://0123456789abcdef@127.0.0.1:" + sentry.base().getPort() + "/44";
            var plane = deployment.start(Plane.tenant, Map.of("IRU_SENTRY_DSN", dsn, "IRU_SENTRY_SAMPLE_RATE", "1.0"));
            String database = deployment.databases.names()[2];
            TestDatabases.admin("alter database " + database + " allow_connections false");
            TestDatabases.admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                    + database + "'");
            String first;
            String second;
            try {
                var ready = plane.get("/readyz");
                assertEquals(503, ready.statusCode(), ready.body());
                first = Json.MAPPER.readTree(ready.body()).get("correlationId").asText();
                second = Json.MAPPER.readTree(plane.get("/readyz").body()).get("correlationId").asText();
            } finally {
                TestDatabases.admin("alter database " + database + " allow_connections true");
            }
            assertEquals(first, second, "the same outage answers with the same correlation id");
            plane.runtime().stop(); // flushes error reporting
            var events = sentry.received().stream().filter(r -> r.path().equals("/api/44/envelope/"))
                    .map(LoopbackCollector.Received::text).filter(t -> t.contains("DatabaseNotReadyException")).toList();
            assertEquals(1, events.size(), "one report per outage, not one per probe: " + events);
            assertTrue(events.getFirst().contains(first), events.getFirst());
            assertTrue(events.getFirst().contains("database eu is not ready"), events.getFirst());
        }
    }

    @Test
    void sampleRateZeroSendsNothingToSentry() throws Exception {
        try (LoopbackCollector sentry = LoopbackCollector.start()) {
            String dsn = "http://0123456789abcdef@127.0.0.1:" + sentry.base().getPort() + "/43";
            var plane = deployment.start(Plane.tenant, Map.of("IRU_SENTRY_DSN", dsn, "IRU_SENTRY_SAMPLE_RATE", "0"));
            assertEquals(500, plane.get("/dev/fail").statusCode());
            plane.runtime().stop();
            assertTrue(sentry.received().stream().noneMatch(r -> r.text().contains("deliberate failure")),
                    sentry.received().toString());
        }
    }
}
