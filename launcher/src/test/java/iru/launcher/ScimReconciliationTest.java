package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.UserResource;
import iru.application.provisioning.DeliveryOutcome;
import iru.application.provisioning.ProvisioningSubject;
import iru.domain.tenant.TenantDirectory;
import iru.interfaces.http.Json;
import iru.interfaces.provisioning.ReconciliationReport;
import iru.interfaces.provisioning.ReconciliationSweep;
import iru.interfaces.provisioning.ScimProvisioning;
import iru.testkit.scim.LoopbackScimServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation compares what should exist in an application with what it reports and enqueues corrections; the
 * corrections, delivered, bring the application back in line. Checked by the END STATE of the loopback SCIM server.
 */
class ScimReconciliationTest {
    static ScimFixture fx;
    static ScimProvisioning scim;

    @BeforeAll
    static void start() throws Exception {
        fx = new ScimFixture("t_scim_reconcile");
        scim = fx.provisioning(Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static void deliverAll(List<ScimFixture.Enqueued> tasks) {
        for (ScimFixture.Enqueued task : tasks) {
            DeliveryOutcome outcome = fx.deliver(scim, task.appId().toString(), task.subject());
            assertInstanceOf(DeliveryOutcome.Delivered.class, outcome, task + " -> " + outcome);
        }
    }

    static ReconciliationReport reconcile(String app) {
        fx.enqueued.clear();
        return scim.reconciler().reconcile(fx.location, UUID.fromString(app)).orElseThrow();
    }

    static Map<UUID, String> causes(ReconciliationReport report) {
        return report.enqueued().stream().collect(Collectors.toMap(ReconciliationReport.Correction::subjectId,
                ReconciliationReport.Correction::cause));
    }

    @Test
    void restoresADeletedAccountFixesDriftAndRemovesAStrayOneButLeavesForeignAccountsAlone() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("rec-token")) {
            server.pageSizeLimit(2); // every listing takes several pages
            String app = fx.app(server.baseUri().toString(), "rec-token");
            String deleted = fx.user("rec-deleted");
            String drifted = fx.user("rec-drifted");
            String kept = fx.user("rec-kept");
            String unassigned = fx.user("rec-unassigned");
            for (String user : List.of(deleted, drifted, kept)) {
                fx.assign(app, user);
                deliverAll(List.of(new ScimFixture.Enqueued(UUID.fromString(app),
                        new ProvisioningSubject.User(UUID.fromString(user)), "setup")));
            }
            String group = fx.ok("POST", "/groups", "{\"displayName\":\"rec-group\"}").get("id").asText();
            fx.ok("PUT", "/groups/" + group + "/members/" + kept, null);
            fx.ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
            deliverAll(List.of(new ScimFixture.Enqueued(UUID.fromString(app),
                    new ProvisioningSubject.Group(UUID.fromString(group)), "setup")));
            assertEquals(0, reconcile(app).enqueued().size(), "in line after delivery");

            // Behind our back:
            server.deleteUserDirectly(fx.remoteId(app, "user", deleted).orElseThrow());
            server.updateUserDirectly(fx.remoteId(app, "user", drifted).orElseThrow(),
                    u -> u.setDisplayName("changed by hand"));
            UserResource stray = new UserResource().setUserName("rec-stray");
            stray.setExternalId(unassigned); // names one of our users, who is not assigned
            String strayId = server.addUserDirectly(stray).getId();
            String foreignId = server.addUserDirectly(new UserResource().setUserName("break-glass-admin")).getId();
            server.deleteGroupDirectly(fx.remoteId(app, "group", group).orElseThrow());

            ReconciliationReport report = reconcile(app);
            assertEquals(Map.of(
                    UUID.fromString(deleted), "reconciliation.missing",
                    UUID.fromString(drifted), "reconciliation.drifted:displayName",
                    UUID.fromString(unassigned), "reconciliation.unassigned",
                    UUID.fromString(group), "reconciliation.missing"), causes(report));
            assertEquals(4, report.remoteUsers());
            assertEquals(List.of(foreignId), report.unattributed().stream()
                    .map(ReconciliationReport.Unattributed::remoteId).toList());
            assertEquals(4, fx.enqueued.size());

            deliverAll(List.copyOf(fx.enqueued));
            Set<String> userNames = server.users().stream().map(UserResource::getUserName).collect(Collectors.toSet());
            assertEquals(Set.of("rec-deleted", "rec-drifted", "rec-kept", "break-glass-admin"), userNames);
            assertTrue(server.user(strayId).isEmpty(), "the stray account naming an unassigned user is gone");
            assertTrue(server.user(foreignId).isPresent(), "an account we cannot attribute is left alone");
            assertEquals(null, server.userByUserName("rec-drifted").orElseThrow().getDisplayName());
            assertEquals(List.of("rec-group"), server.groups().stream().map(GroupResource::getDisplayName).toList());

            ReconciliationReport after = reconcile(app);
            assertEquals(List.of(), after.enqueued(), "converged");
            assertEquals(1, after.unattributed().size());
        }
    }

    @Test
    void theReconcileEndpointAnswersWhatItFound() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("ep-token")) {
            String app = fx.app(server.baseUri().toString(), "ep-token");
            server.addUserDirectly(new UserResource().setUserName("ep-foreign"));

            var res = fx.call("POST", "/apps/" + app + "/reconcile", null);
            assertEquals(200, res.statusCode(), res.body());
            JsonNode body = Json.MAPPER.readTree(res.body());
            assertEquals(app, body.get("appId").asText());
            assertEquals(1, body.get("remoteUsers").asInt());
            assertEquals(0, body.get("enqueued").size());
            assertEquals("ep-foreign", body.get("unattributed").get(0).get("name").asText());

            var rival = fx.api.as(fx.rival.key(), "POST", "/t/" + fx.rival.slug() + "/v1/apps/" + app + "/reconcile",
                    null);
            assertEquals(404, rival.statusCode(), "another tenant's application does not exist for this one");

            String noScim = fx.ok("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Plain\"}")
                    .get("id").asText();
            var conflict = fx.call("POST", "/apps/" + noScim + "/reconcile", null);
            assertEquals(409, conflict.statusCode(), conflict.body());
            assertTrue(conflict.body().contains("https://iru.dev/problems/conflict"), conflict.body());

            server.down();
            var down = fx.call("POST", "/apps/" + app + "/reconcile", null);
            assertEquals(502, down.statusCode(), down.body());
            assertTrue(down.body().contains("https://iru.dev/problems/upstream-unavailable"), down.body());
        }
    }

    /**
     * Every tenant plane and `iru workers` process runs the periodic pass; the application's lease (region V17)
     * makes it one reconciliation per application per interval across them: two instances sweeping at the same
     * moment reconcile it once, sweeping again within the interval not at all, and once the interval has passed,
     * once more.
     */
    @Test
    void twoInstancesSweepingTogetherReconcileAnApplicationOncePerInterval() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("lease-token")) {
            String app = fx.app(server.baseUri().toString(), "lease-token");
            Duration interval = Duration.ofSeconds(3);
            List<ReconciliationSweep> instances = List.of(
                    new ReconciliationSweep(fx.router, new TenantDirectory(), Set.of(fx.location.region()), scim,
                            interval, "instance-a"),
                    new ReconciliationSweep(fx.router, new TenantDirectory(), Set.of(fx.location.region()), scim,
                            interval, "instance-b"));
            long started = System.nanoTime();
            sweepTogether(instances);
            assertEquals(1, listings(server), "two instances at once: one reconciliation");
            sweepTogether(instances);
            assertEquals(1, listings(server), "within the interval: none more");
            assertTrue(System.nanoTime() - started < interval.toNanos(), "the sweeps ran within one interval");

            Thread.sleep(interval.toMillis() + 200);
            sweepTogether(instances);
            assertEquals(2, listings(server), "the next interval: exactly one more");
            assertEquals(1, Long.parseLong(fx.deployment.queryAsOwner("eu", "select count(*) from"
                    + " app_reconciliation_leases where app_id = '" + app + "'")));
        }
    }

    static void sweepTogether(List<ReconciliationSweep> instances) throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(instances.size());
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<ReconciliationSweep.Result>> results = new java.util.ArrayList<>();
            for (ReconciliationSweep instance : instances) {
                results.add(pool.submit(() -> {
                    start.await();
                    return instance.sweep();
                }));
            }
            start.countDown();
            for (var result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** How many times the application's users were listed (each reconciliation lists `GET /Users` once). */
    static long listings(LoopbackScimServer server) {
        return server.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals("/Users"))
                .count();
    }
}
