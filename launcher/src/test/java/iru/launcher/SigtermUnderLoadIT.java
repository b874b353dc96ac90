package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.testkit.scim.LoopbackScimServer;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The distribution's tenant plane stopped by SIGTERM while it takes writes, issues tokens and delivers to a slow SCIM
 * server: every request it had received is answered (in flight ones complete, later ones get a 503 problem or find
 * the port closed), the workers give their leases back, the exit code is 0, and a second instance delivers the rest
 * exactly once. Nothing acknowledged is lost, and `verify-audit` passes afterwards.
 */
class SigtermUnderLoadIT {
    @Test
    void sigtermUnderLoadAnswersWhatItReceivedReleasesLeasesAndASecondInstanceFinishes() throws Exception {
        try (var upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
             TestDeployment deployment = TestDeployment.create("t_rel_sigterm");
             LoopbackScimServer server = LoopbackScimServer.start("sigterm-load-token")) {
            var control = deployment.startControlWithCatalog(upstream);
            var api = deployment.start(Plane.tenant, Map.of("IRU_WORKERS", "off"));
            var target = ReliabilityLoad.prepare(control, api, server, "sigterm-load-token", "acme");
            // Two workers (2 x a batch of 10 in flight) and ~1 s per SCIM call: when the SIGTERM comes, the writes
            // have queued more than the workers can deliver before they stop claiming (~1-2 s later). With the
            // defaults (4 workers, 0.1-0.2 s a call) they sometimes delivered everything first.
            server.delayRandomly(Duration.ofMillis(800), Duration.ofMillis(1200));

            // Leases far longer than the test: a second instance can only finish quickly if they were released.
            Map<String, String> env = new HashMap<>(deployment.environment(Map.of("IRU_HTTP_PORT", "0",
                    "IRU_WORKER_COUNT", "2", "IRU_WORKER_POLL_MILLIS", "50", "IRU_WORKER_BACKOFF_BASE_MILLIS", "50",
                    "IRU_WORKER_BACKOFF_CAP_SECONDS", "1", "IRU_WORKER_LEASE_SECONDS", "300",
                    "IRU_SCIM_RECONCILE_INTERVAL_SECONDS", "0")));
            env.put(("IRU_DEV_SCIM_" + target.tenant().id() + "_" + target.scimApp()).toUpperCase(Locale.ROOT)
                    .replace('-', '_'), "sigterm-load-token");

            ReliabilityLoad load;
            long sigterm;
            int exitCode;
            String firstOutput;
            try (DistributionProcess first = DistributionProcess.start(env, "--plane=tenant")) {
                int port = first.awaitPort(Duration.ofSeconds(60));
                load = ReliabilityLoad.start(URI.create("http://127.0.0.1:" + port + "/"), target, "sig");
                try {
                    Reliability.await(() -> ProvisioningSigtermIT.created(server) >= 10, Duration.ofSeconds(60),
                            "deliveries started:\n" + first.output());
                    sigterm = System.nanoTime();
                    first.process.destroy(); // SIGTERM, under load, deliveries in flight
                    assertTrue(first.process.waitFor(40, TimeUnit.SECONDS), "did not exit:\n" + first.output());
                } finally {
                    load.close();
                }
                exitCode = first.process.exitValue();
                firstOutput = first.output();
            }
            System.out.println("sigterm under load: answers " + load.summary());
            assertEquals(0, exitCode, firstOutput);
            assertTrue(firstOutput.contains("provisioning.workers-stopped"), firstOutput);
            assertEquals("0", deployment.queryAsOwner("eu", "select count(*) from provisioning_outbox"
                    + " where lease_token is not null"), "leases released");
            long outstanding = Long.parseLong(deployment.queryAsOwner("eu", "select count(*) from provisioning_outbox"
                    + " where app_id = '" + target.scimApp() + "'"));
            assertTrue(outstanding > 0, "the first instance was stopped with deliveries outstanding");

            List<ReliabilityLoad.Outcome> all = load.outcomes();
            // Received before the signal: answered, with success or (if it arrived as draining began) a 503 problem.
            List<ReliabilityLoad.Outcome> before = all.stream().filter(o -> o.sent() < sigterm)
                    .filter(o -> !o.acknowledged() && !o.problem(503, "shutting-down") && !o.problem(503, "not-ready"))
                    .toList();
            assertEquals(List.of(), before, "requests in flight at SIGTERM that did not complete");
            // Sent after it: success, a 503 problem while draining, or no connection once the port is closed.
            List<ReliabilityLoad.Outcome> after = all.stream().filter(o -> o.sent() >= sigterm)
                    .filter(o -> !o.acknowledged() && !o.problem(503, "shutting-down") && !o.problem(503, "not-ready")
                            && o.status() != 0).toList();
            assertEquals(List.of(), after, "requests after SIGTERM answered otherwise");

            try (DistributionProcess second = DistributionProcess.start(env, "--plane=tenant")) {
                second.awaitPort(Duration.ofSeconds(60));
                load.assertAcknowledgedWritesExist(deployment);
                Set<String> expected = load.memberNamesStored(deployment);
                long started = System.nanoTime();
                Reliability.awaitDelivered(deployment, server, target, expected, Duration.ofSeconds(90));
                double caughtUp = (System.nanoTime() - started) / 1e9;
                long deliveries = Reliability.assertEachAccountCreatedOnce(server, expected);
                second.process.destroy();
                assertTrue(second.process.waitFor(40, TimeUnit.SECONDS), "did not exit:\n" + second.output());
                assertEquals(0, second.process.exitValue(), second.output());
                Reliability.assertAuditClean(deployment);
                long refused = all.stream().filter(o -> o.status() == 503).count();
                long unconnected = all.stream().filter(o -> o.status() == 0).count();
                System.out.printf("sigterm under load: %d writes acknowledged (%d users, %d memberships), %d tokens"
                        + " issued; exit code 0 with %d deliveries outstanding and no lease held; %d requests"
                        + " refused with 503 while draining, %d found the port closed; the second instance"
                        + " caught up in %.1f s; %d accounts delivered, each created once%n",
                        load.acknowledgedUsers().size() + load.acknowledgedMembers().size(),
                        load.acknowledgedUsers().size(), load.acknowledgedMembers().size(),
                        all.stream().filter(o -> o.kind().equals("token") && o.acknowledged()).count(),
                        outstanding, refused, unconnected, caughtUp, deliveries);
            }
        }
    }
}
