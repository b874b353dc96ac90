package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.config.IruConfig;
import iru.foundation.secrets.DevSecretStore;
import iru.interfaces.http.Json;
import iru.testkit.scim.LoopbackScimServer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 10 s and started again while a tenant plane takes writes, issues tokens and delivers to a
 * SCIM server. During the outage `/readyz` is 503 and every request that needs the database is refused quickly with
 * a 503 problem; afterwards the plane recovers by itself, nothing it acknowledged is missing, every delivery reached
 * the SCIM server exactly once, its LISTEN connections are back (a rotated secret and a suspended tenant are seen on
 * another instance at once), and `verify-audit` passes on all three databases.
 */
class DatabaseRestartUnderLoadTest {
    /** IRU_DB_CONNECT_TIMEOUT_SECONDS here: how long a request may wait for a connection before its 503. */
    static final Duration CONNECT_BOUND = Duration.ofSeconds(1);
    /**
     * The longest a request may wait for a connection: the connect timeout plus one validation of a borrowed idle
     * connection, which HikariCP does not count in it (`RegionalDatabases` sets it to half the connect timeout).
     */
    static final Duration WAIT_BOUND = CONNECT_BOUND.plus(CONNECT_BOUND.dividedBy(2));
    /** What a refused request may take beyond the bound (the request's own work, a busy 2-core machine). */
    static final Duration SLACK = Duration.ofMillis(500);
    static final Duration OUTAGE = Duration.ofSeconds(10);
    static final Duration RECOVERY = Duration.ofSeconds(10);
    static final Map<String, String> PLANE = Map.ofEntries(
            Map.entry("IRU_DB_CONNECT_TIMEOUT_SECONDS", Long.toString(CONNECT_BOUND.toSeconds())),
            Map.entry("IRU_WORKER_POLL_MILLIS", "20"), Map.entry("IRU_WORKER_BACKOFF_BASE_MILLIS", "50"),
            Map.entry("IRU_WORKER_BACKOFF_CAP_SECONDS", "1"), Map.entry("IRU_WORKER_MAX_ATTEMPTS", "1000"),
            Map.entry("IRU_WORKER_DELIVERY_TIMEOUT_SECONDS", "3"), Map.entry("IRU_WORKER_LEASE_SECONDS", "5"),
            Map.entry("IRU_SCIM_TIMEOUT_SECONDS", "2"), Map.entry("IRU_SCIM_RECONCILE_INTERVAL_SECONDS", "0"));

    @Test
    void aRestartUnderLoadIsRefusedFastRecoveredFromAndLosesNothing() throws Exception {
        LocalPostgres postgres = LocalPostgres.controllable();
        try (var upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
             TestDeployment deployment = TestDeployment.create("t_rel_restart");
             LoopbackScimServer server = LoopbackScimServer.start("restart-token")) {
            var control = deployment.startControlWithCatalog(upstream,
                    Map.of("IRU_DB_CONNECT_TIMEOUT_SECONDS", Long.toString(CONNECT_BOUND.toSeconds())));
            DevSecretStore secrets = new DevSecretStore(deployment.environment, Duration.ofHours(1),
                    Clock.systemUTC());
            var loaded = deployment.start(Plane.tenant, IruConfig.from(deployment.environment(PLANE)), secrets);
            Map<String, String> quiet = new HashMap<>(PLANE);
            quiet.put("IRU_WORKERS", "off");
            var other = deployment.start(Plane.tenant, IruConfig.from(deployment.environment(quiet)), secrets);
            var target = ReliabilityLoad.prepare(control, loaded, server, "restart-token", "acme");
            var bystander = TestDeployment.createTenant(control, "bystander", "eu");

            int ended;
            long stopping;
            long stopped;
            long starting;
            long started;
            long recovered;
            Map<String, Integer> listening = Map.of("directory", Reliability.listening(deployment, "directory"),
                    "eu", Reliability.listening(deployment, "eu"));
            ReliabilityLoad load = ReliabilityLoad.start(loaded.uri("/"), target, "restart");
            try {
                load.awaitAcknowledgedWriteAfter(System.nanoTime(), Duration.ofSeconds(30));
                ended = endRequestSessions(deployment, Duration.ofSeconds(3));
                stopping = System.nanoTime();
                postgres.stop();
                stopped = System.nanoTime();
                Thread.sleep(OUTAGE.toMillis());
                starting = System.nanoTime();
                postgres.start();
                started = System.nanoTime();
                recovered = load.awaitAcknowledgedWriteAfter(started, RECOVERY);
                Thread.sleep(3000); // steady again
            } finally {
                load.close();
                postgres.ensureStarted();
            }
            List<ReliabilityLoad.Outcome> all = load.outcomes();
            System.out.println("database restart: answers " + load.summary());

            // Nothing but success or a 503 problem, ever; no request went unanswered.
            List<ReliabilityLoad.Outcome> unexpected = all.stream().filter(o -> !o.acknowledged()
                    && !o.problem(503, "database-unavailable") && !o.problem(503, "not-ready")).toList();
            assertEquals(List.of(), unexpected, "answers other than 2xx or a 503 problem");

            // During the outage: not ready, every request needing the database refused within the bound.
            List<ReliabilityLoad.Outcome> during = all.stream()
                    .filter(o -> o.sent() >= stopped && o.answered() <= starting).toList();
            assertTrue(during.stream().anyMatch(o -> o.kind().equals("readyz")), "readyz was probed");
            assertTrue(during.stream().filter(o -> o.kind().equals("readyz")).allMatch(o -> o.status() == 503),
                    "readyz during the outage: " + during.stream().filter(o -> o.kind().equals("readyz")).toList());
            List<ReliabilityLoad.Outcome> writes = during.stream()
                    .filter(o -> o.kind().equals("user") || o.kind().equals("member")).toList();
            assertTrue(writes.size() >= 3, "writes were attempted during the outage: " + writes);
            assertTrue(writes.stream().allMatch(o -> o.status() == 503), "writes during the outage: " + writes);
            Duration bound = WAIT_BOUND.plus(SLACK);
            List<ReliabilityLoad.Outcome> slow = all.stream().filter(o -> o.status() == 503)
                    .filter(o -> o.took().compareTo(bound) > 0).toList();
            assertEquals(List.of(), slow.stream().map(o -> o + ", sent " + (o.sent() - stopping) / 1_000_000
                    + " ms after the stop began (" + (stopped - stopping) / 1_000_000 + " ms to stop)").toList(),
                    "refusals slower than " + bound.toMillis() + " ms");

            // Recovery without a restart of ours, within seconds.
            Duration recovery = Duration.ofNanos(recovered - started);
            var ready = loaded.get("/readyz");
            assertEquals(200, ready.statusCode(), ready.body());

            // The LISTEN connections are back: another instance sees a rotated secret and a suspension at once.
            double relistened = Reliability.await(() -> listening.entrySet().stream().allMatch(e -> {
                try {
                    return Reliability.listening(deployment, e.getKey()) >= e.getValue();
                } catch (Exception notYet) {
                    return false;
                }
            }), Duration.ofSeconds(15), "LISTEN sessions back " + listening);
            assertListenersReconnected(control, loaded, other, target, bystander);

            load.assertAcknowledgedWritesExist(deployment);
            Set<String> expected = load.memberNamesStored(deployment);
            Reliability.awaitDelivered(deployment, server, target, expected, Duration.ofSeconds(60));
            long deliveries = Reliability.assertEachAccountCreatedOnce(server, expected);
            Reliability.assertAuditClean(deployment);

            long refused = during.stream().filter(o -> o.status() == 503).count();
            long maxRefusalMillis = all.stream().filter(o -> o.status() == 503).mapToLong(o -> o.took().toMillis())
                    .max().orElse(0);
            System.out.printf("database restart: %d busy sessions ended by the server under load first;"
                    + " 1 restart survived (stop %.1f s, down %.1f s, start %.1f s);"
                    + " %d writes acknowledged (%d users, %d memberships), %d tokens issued; %d requests refused"
                    + " during the outage, slowest refusal %d ms (bound %d ms + %d ms); recovered %.1f s after"
                    + " PostgreSQL was back, LISTEN sessions back after %.1f s; %d accounts delivered, each created"
                    + " once%n",
                    ended, (stopped - stopping) / 1e9, (starting - stopped) / 1e9, (started - starting) / 1e9,
                    load.acknowledgedUsers().size() + load.acknowledgedMembers().size(),
                    load.acknowledgedUsers().size(), load.acknowledgedMembers().size(),
                    all.stream().filter(o -> o.kind().equals("token") && o.acknowledged()).count(), refused,
                    maxRefusalMillis, WAIT_BOUND.toMillis(), SLACK.toMillis(), recovery.toMillis() / 1e3,
                    relistened, deliveries);
            assertTrue(recovery.compareTo(RECOVERY) < 0, "recovered after " + recovery);
        } finally {
            postgres.ensureStarted();
        }
    }

    /**
     * For `within`, ends (pg_terminate_backend) every busy session of the eu request and worker pools every 20 ms,
     * as a restart ends them: requests in the middle of a statement, a Hibernate flush or a commit, workers in the
     * middle of a claim or of recording a delivery. Returns how many were ended.
     */
    static int endRequestSessions(TestDeployment deployment, Duration within) throws Exception {
        int ended = 0;
        long deadline = System.nanoTime() + within.toNanos();
        try (var owner = deployment.databases.connectAsOwner("eu")) {
            while (System.nanoTime() < deadline) {
                try (var rs = owner.createStatement().executeQuery("select count(*) filter (where"
                        + " pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database()"
                        + " and application_name in ('iru-eu', 'iru-workers-eu') and state <> 'idle'")) {
                    rs.next();
                    ended += rs.getInt(1);
                }
                Thread.sleep(20);
            }
        }
        return ended;
    }

    /**
     * `other` cached the client's secret and the bystander tenant before; after a rotation on `loaded` and a
     * suspension through `control`, it must refuse both well inside the caches' 30 s lifetime: only the
     * notifications, on LISTEN connections that had to reconnect after the restart, can tell it that fast.
     */
    static void assertListenersReconnected(TestDeployment.Plane control, TestDeployment.Plane loaded,
            TestDeployment.Plane other, ReliabilityLoad.Target target, TestDeployment.TenantWithKey bystander)
            throws Exception {
        var client = new CredentialCachesTest.Client(target.tenant(), target.client());
        assertEquals(200, CredentialCachesTest.token(other, client, target.secret()).statusCode());
        assertEquals(200, other.as(bystander.key(), "GET", "/t/bystander/v1/users", null).statusCode());

        var rotated = loaded.as(target.tenant().key(), "POST", "/t/acme/v1/apps/" + target.client()
                + "/client-secret", null);
        assertEquals(200, rotated.statusCode(), rotated.body());
        var refused = CredentialCachesTest.awaitNotified(CredentialCachesTest.status(s -> s == 401),
                () -> CredentialCachesTest.token(other, client, target.secret()));
        assertEquals(401, refused.statusCode(), "the regional listener did not reconnect: " + refused.body());

        assertEquals(200, control.admin("POST", "/v1/tenants/" + bystander.id() + "/suspend",
                "{\"reason\":\"restart test\"}").statusCode());
        var suspended = CredentialCachesTest.awaitNotified(CredentialCachesTest.status(s -> s == 403),
                () -> other.as(bystander.key(), "GET", "/t/bystander/v1/users", null));
        assertEquals("https://iru.dev/problems/tenant-suspended",
                Json.MAPPER.readTree(suspended.body()).path("type").asText(),
                "the directory listener did not reconnect: " + suspended.statusCode() + " " + suspended.body());
    }
}
