package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.UserResource;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import iru.testkit.scim.LoopbackScimServer;
import iru.testkit.scim.ScimRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The distribution's tenant plane stopped by SIGTERM while its workers deliver to a slow SCIM server, then a second
 * one started: the end state is exact and no account was created twice (the server's log shows one successful
 * `POST /Users` per account).
 */
class ProvisioningSigtermIT {
    /**
     * Three times what the plane's workers have in flight at once (2 workers x a batch of 10, delivered in parallel),
     * each call taking about a second: the SIGTERM comes while the first wave is in flight, and the workers stop
     * claiming at once (shutdown's first step, before the request drain), so at most the batches they hold then are
     * delivered by the first plane and most accounts are still queued. (When claiming went on until the workers' own
     * stop, about a second after the SIGTERM, this took six times as many.)
     */
    static final int USERS = 60;

    @Test
    void sigtermMidDeliveryThenASecondPlaneEndsExactWithNoAccountCreatedTwice() throws Exception {
        try (LoopbackCatalog upstream = LoopbackCatalog.start("catalog-secret");
             TestDeployment deployment = TestDeployment.create("t_prov_sigterm");
             LoopbackScimServer server = LoopbackScimServer.start("sigterm-token")) {
            upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK));
            var control = deployment.start(Plane.control, Map.of("IRU_CATALOG_URL", upstream.url().toString(),
                    "IRU_DEV_CATALOG_TOKEN", "catalog-secret"));
            var api = deployment.start(Plane.tenant, Map.of("IRU_WORKERS", "off"));
            assertEquals(200, control.admin("POST", "/v1/catalog/sync", null).statusCode());
            var acme = TestDeployment.createTenant(control, "acme", "eu");
            ThrowingCall call = (method, path, body) -> {
                var res = api.as(acme.key(), method, "/t/acme/v1" + path, body);
                assertTrue(res.statusCode() < 300, method + " " + path + " -> " + res.statusCode() + " " + res.body());
                return res.body().isEmpty() ? null : Json.MAPPER.readTree(res.body());
            };
            String group = call.send("POST", "/groups", "{\"displayName\":\"sigterm\"}").get("id").asText();
            for (int i = 0; i < USERS; i++) {
                String user = call.send("POST", "/users", "{\"userName\":\"sig-" + i + "\",\"email\":\"sig-" + i
                        + "@example.com\",\"givenName\":\"Given\",\"familyName\":\"Family\"}").get("id").asText();
                call.send("PUT", "/groups/" + group + "/members/" + user, null);
            }
            String app = call.send("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Slack\","
                    + "\"scimBaseUrl\":\"" + server.baseUri() + "\"}").get("id").asText();
            call.send("PUT", "/apps/" + app + "/scim-credential", "{\"bearerToken\":\"sigterm-token\"}");
            server.delayRandomly(Duration.ofMillis(800), Duration.ofMillis(1200)); // in flight for a while
            call.send("PUT", "/apps/" + app + "/assignments/groups/" + group, null);

            Map<String, String> env = new HashMap<>(deployment.environment(Map.of("IRU_HTTP_PORT", "0",
                    "IRU_WORKER_COUNT", "2", "IRU_WORKER_POLL_MILLIS", "50", "IRU_WORKER_BACKOFF_BASE_MILLIS", "50",
                    "IRU_WORKER_BACKOFF_CAP_SECONDS", "1", "IRU_SCIM_RECONCILE_INTERVAL_SECONDS", "0")));
            // The child processes' dev secret store reads the application's SCIM credential from the environment.
            env.put(("IRU_DEV_SCIM_" + acme.id() + "_" + app).toUpperCase(Locale.ROOT).replace('-', '_'),
                    "sigterm-token");

            try (DistributionProcess first = DistributionProcess.start(env, "--plane=tenant")) {
                first.awaitPort(Duration.ofSeconds(60));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (created(server) < 5) {
                    assertTrue(System.nanoTime() < deadline, "no delivery started:\n" + first.output());
                    Thread.sleep(20);
                }
                first.process.destroy(); // SIGTERM, deliveries in flight
                assertTrue(first.process.waitFor(30, TimeUnit.SECONDS), "did not exit:\n" + first.output());
                assertEquals(0, first.process.exitValue(), first.output());
                assertTrue(first.output().contains("provisioning.workers-stopped"), first.output());
                int claimingStopped = first.indexOf("provisioning.claiming-stopped");
                assertTrue(claimingStopped >= 0 && claimingStopped < first.indexOf("shutdown.requests-drained"),
                        "the workers stopped claiming before the request drain:\n" + first.output());
            }
            int afterFirst = server.users().size();
            assertTrue(afterFirst < USERS, "the first plane was stopped before it finished: " + afterFirst);

            try (DistributionProcess second = DistributionProcess.start(env, "--plane=tenant")) {
                second.awaitPort(Duration.ofSeconds(60));
                Set<String> names = IntStream.range(0, USERS).mapToObj(i -> "sig-" + i).collect(Collectors.toSet());
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!(outbox(deployment, app) == 0 && names.equals(userNames(server))
                        && names.equals(members(server)))) {
                    assertTrue(System.nanoTime() < deadline, "not caught up: outbox " + outbox(deployment, app)
                            + ", accounts " + server.users().size() + ", members " + members(server).size());
                    Thread.sleep(100);
                }
            }
            assertEquals(USERS, server.users().size());
            Map<String, Long> createdPerName = server.requests().stream()
                    .filter(r -> r.method().equals("POST") && r.path().equals("/Users") && r.status() == 201)
                    .collect(Collectors.groupingBy(ProvisioningSigtermIT::userName, Collectors.counting()));
            assertEquals(USERS, createdPerName.size(), createdPerName.toString());
            assertTrue(createdPerName.values().stream().allMatch(n -> n == 1), "created twice: " + createdPerName);
            assertEquals("0", deployment.queryAsOwner("eu", "select count(*) from provisioning_outbox"
                    + " where parked_at is not null"), "nothing parked");
            System.out.printf("provisioning sigterm: %d of %d accounts before SIGTERM, the rest by a second plane;"
                    + " %d SCIM calls, each account created once%n", afterFirst, USERS, server.requests().size());
        }
    }

    interface ThrowingCall {
        JsonNode send(String method, String path, String body) throws Exception;
    }

    static long created(LoopbackScimServer server) {
        return server.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/Users")
                && r.status() == 201).count();
    }

    static String userName(ScimRequest request) {
        try {
            return Json.MAPPER.readTree(request.body()).path("userName").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long outbox(TestDeployment deployment, String app) throws Exception {
        return Long.parseLong(deployment.queryAsOwner("eu", "select count(*) from provisioning_outbox where app_id = '"
                + app + "'"));
    }

    static Set<String> userNames(LoopbackScimServer server) {
        return server.users().stream().map(UserResource::getUserName).collect(Collectors.toSet());
    }

    static Set<String> members(LoopbackScimServer server) {
        Map<String, String> nameById = server.users().stream().collect(Collectors.toMap(UserResource::getId,
                UserResource::getUserName));
        List<GroupResource> groups = server.groups();
        if (groups.size() != 1 || groups.get(0).getMembers() == null) {
            return Set.of();
        }
        return groups.get(0).getMembers().stream().map(Member::getValue)
                .map(id -> nameById.getOrDefault(id, "unknown:" + id)).collect(Collectors.toSet());
    }
}
