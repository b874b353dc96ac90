package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.interfaces.http.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `GET /metrics` on the tenant and control planes: Prometheus text with request, pool and JVM series, no credentials
 * asked, and no tenant id, slug, user id or key in any label however the paths were chosen.
 */
class MetricsEndpointTest {
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");

    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane tenant;
    static TestDeployment.TenantWithKey acme;
    static String userId;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_metrics");
        control = deployment.start(Plane.control);
        tenant = deployment.start(Plane.tenant);
        acme = TestDeployment.createTenant(control, "metricsacme", "eu");
        var user = tenant.as(acme.key(), "POST", "/t/metricsacme/v1/users",
                "{\"userName\":\"ada.metrics\",\"email\":\"ada.metrics@acme.example\"}");
        assertEquals(201, user.statusCode(), user.body());
        userId = Json.MAPPER.readTree(user.body()).get("id").asText();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, tenant.as(acme.key(), "GET", "/t/metricsacme/v1/users/" + userId, null).statusCode());
        }
        // ids and slugs in paths that match no route, or a route that answers 404, must not become labels either
        assertEquals(404, tenant.as(acme.key(), "GET", "/t/metricsacme/v1/users/" + UUID.randomUUID(), null)
                .statusCode());
        assertEquals(404, tenant.get("/t/nosuchtenantslug/v1/users/" + userId).statusCode());
        assertEquals(404, tenant.get("/no-route/" + acme.id()).statusCode());
        assertEquals(404, control.admin("GET", "/v1/tenants/" + UUID.randomUUID(), null).statusCode());
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    @Test
    void tenantPlaneServesRequestPoolAndJvmSeriesWithoutCredentials() throws Exception {
        HttpResponse<String> scrape = tenant.get("/metrics");
        assertEquals(200, scrape.statusCode(), scrape.body());
        assertTrue(scrape.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        List<Series> series = parse(scrape.body());

        Series getUser = find(series, "http_server_requests_seconds_count",
                Map.of("method", "GET", "status", "200"), "/v1/users/{");
        assertTrue(getUser.value() >= 3, getUser.toString());
        assertTrue(getUser.labels().contains("route=\"/t/{tenant}/v1/users/{"), getUser.toString());
        find(series, "http_server_requests_seconds_bucket",
                Map.of("method", "POST", "status", "201"), "/v1/users\"");
        find(series, "http_server_requests_seconds_count", Map.of("route", "unmatched", "status", "404"), "");
        assertTrue(series.stream().filter(s -> s.name().equals("http_server_requests_seconds_count")
                && s.has("status", "404")).mapToDouble(Series::value).sum() >= 3, "every 404 is counted");

        for (String pool : List.of("iru-directory", "iru-eu")) {
            Map<String, String> labels = Map.of("pool", pool);
            find(series, "hikaricp_connections_active", labels, "");
            find(series, "hikaricp_connections_idle", labels, "");
            find(series, "hikaricp_connections_pending", labels, "");
            assertTrue(find(series, "hikaricp_connections_acquire_seconds_count", labels, "").value() >= 1,
                    "borrows from " + pool + " are timed");
        }
        assertTrue(find(series, "jvm_memory_used_bytes", Map.of("area", "heap"), "").value() > 0);
        assertTrue(find(series, "jvm_threads_live_threads", Map.of(), "").value() > 0);
        find(series, "jvm_gc_max_data_size_bytes", Map.of(), "");
        assertNoIdentifiers(scrape.body());
    }

    @Test
    void controlPlaneServesItsOwnRequestsWithoutTheAdminToken() throws Exception {
        HttpResponse<String> scrape = control.get("/metrics");
        assertEquals(200, scrape.statusCode(), scrape.body());
        List<Series> series = parse(scrape.body());
        find(series, "http_server_requests_seconds_count",
                Map.of("method", "POST", "status", "201", "route", "/v1/tenants"),
                "");
        find(series, "http_server_requests_seconds_count",
                Map.of("method", "GET", "status", "404"), "/v1/tenants/{");
        find(series, "hikaricp_connections_active", Map.of("pool", "iru-directory"), "");
        find(series, "jvm_memory_committed_bytes", Map.of("area", "heap"), "");
        assertNoIdentifiers(scrape.body());
    }

    @Test
    void serverErrorsAreCountedByRouteAndStatus() throws Exception {
        double before = errors(parse(tenant.get("/metrics").body()));
        assertEquals(500, tenant.get("/dev/fail").statusCode());
        assertEquals(500, tenant.get("/dev/fail").statusCode());
        List<Series> series = parse(tenant.get("/metrics").body());
        assertEquals(before + 2, errors(series));
        assertEquals(0, series.stream().filter(s -> s.name().equals("http_server_errors_total")
                && !s.has("route", "/dev/fail")).mapToDouble(Series::value).sum(), "only /dev/fail failed");
    }

    private static double errors(List<Series> series) {
        return series.stream().filter(s -> s.name().equals("http_server_errors_total") && s.has("route", "/dev/fail")
                && s.has("outcome", "5xx")).mapToDouble(Series::value).sum();
    }

    /** Neither the tenant's id, slug or key, nor the user's id, nor the probing paths' ids reach the scrape at all. */
    private static void assertNoIdentifiers(String body) {
        for (String secret : List.of(acme.id(), "metricsacme", "nosuchtenantslug", userId, acme.key(),
                acme.key().substring(5, 21), "ada.metrics", "/no-route/")) {
            assertFalse(body.contains(secret), "scrape mentions " + secret);
        }
        Pattern uuid = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        for (Series s : parse(body)) {
            assertFalse(uuid.matcher(s.labels()).find(), "an id in labels: " + s);
        }
    }

    record Series(String name, String labels, double value) {
        boolean has(String label, String value) {
            return labels.contains(label + "=\"" + value + "\"");
        }
    }

    static List<Series> parse(String body) {
        return body.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> {
            Matcher m = SERIES.matcher(l);
            assertTrue(m.matches(), "not a Prometheus text line: " + l);
            return new Series(m.group(1), m.group(3) == null ? "" : m.group(3), Double.parseDouble(m.group(4).replace("Inf", "Infinity")));
        }).toList();
    }

    /** The first series named `name` with all `labels` whose label text also contains `fragment`. */
    static Series find(List<Series> series, String name, Map<String, String> labels, String fragment) {
        return series.stream().filter(s -> s.name().equals(name) && s.labels().contains(fragment)
                        && labels.entrySet().stream().allMatch(e -> s.has(e.getKey(), e.getValue())))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " " + labels + " " + fragment
                        + " in:\n" + String.join("\n", series.stream().filter(s -> s.name().equals(name))
                        .map(Series::toString).toList())));
    }
}
