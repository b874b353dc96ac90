package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.UserResource;
import iru.foundation.config.IruConfig;
import iru.foundation.secrets.DevSecretStore;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import iru.testkit.scim.LoopbackScimServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provisioning end to end, as a tenant uses it: changes through the tenant plane's API, the outbox, the plane's own
 * provisioning workers and the SCIM 2.0 delivery, into a loopback SCIM server. Every test is judged by the server's
 * END STATE (exactly the accounts and group members the directory says) and an outbox with nothing left or parked.
 */
class ProvisioningEndToEndTest {
    /** Quick polls, short backoff (capped at 2 s), many attempts: a minute of trouble (~80 attempts) parks nothing. */
    static final Map<String, String> WORKERS = Map.of("IRU_WORKER_POLL_MILLIS", "20",
            "IRU_WORKER_BACKOFF_BASE_MILLIS", "50", "IRU_WORKER_BACKOFF_CAP_SECONDS", "2",
            "IRU_WORKER_MAX_ATTEMPTS", "200", "IRU_WORKER_DELIVERY_TIMEOUT_SECONDS", "10",
            "IRU_WORKER_LEASE_SECONDS", "30", "IRU_SCIM_TIMEOUT_SECONDS", "3",
            "IRU_SCIM_RECONCILE_INTERVAL_SECONDS", "0");
    static final int MEMBERS = 500;

    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane api;
    static TestDeployment.TenantWithKey acme;
    /** The 500 users by id, all members of `group`, and their user names. */
    static List<String> users;
    static Set<String> userNames;
    static String group;
    static DevSecretStore secrets;

    @BeforeAll
    static void start() throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
        deployment = TestDeployment.create("t_prov_e2e");
        var control = deployment.startControlWithCatalog(upstream);
        // One secret store for every tenant plane of the test, as a real secret store is shared.
        secrets = new DevSecretStore(deployment.environment, Duration.ofHours(1), Clock.systemUTC());
        api = tenantPlane(WORKERS);
        acme = TestDeployment.createTenant(control, "acme", "eu");
        long started = System.nanoTime();
        users = parallel(IntStream.range(0, MEMBERS).boxed().toList(), i -> user("e2e-" + i));
        userNames = IntStream.range(0, MEMBERS).mapToObj(i -> "e2e-" + i).collect(Collectors.toSet());
        group = ok("POST", "/groups", "{\"displayName\":\"e2e-500\"}").get("id").asText();
        parallel(users, u -> ok("PUT", "/groups/" + group + "/members/" + u, null));
        System.out.printf("provisioning e2e: %d users and their group created through the API in %.1f s%n", MEMBERS,
                (System.nanoTime() - started) / 1e9);
    }

    static TestDeployment.Plane tenantPlane(Map<String, String> overrides) {
        return deployment.start(Plane.tenant, IruConfig.from(deployment.environment(overrides)), secrets);
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    /** `call` on every item from 4 client threads (the API, not the test, is what takes the time). */
    static <T, R> List<R> parallel(List<T> items, ThrowingFunction<T, R> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> call.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    interface ThrowingFunction<T, R> {
        R apply(T t) throws Exception;
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return api.as(acme.key(), method, "/t/" + acme.slug() + "/v1" + path, body);
    }

    static JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> res = call(method, path, body);
        if (res.statusCode() >= 300) {
            throw new AssertionError(method + " " + path + " -> " + res.statusCode() + " " + res.body());
        }
        return res.body().isEmpty() ? null : Json.MAPPER.readTree(res.body());
    }

    static String user(String userName) throws Exception {
        return ok("POST", "/users", "{\"userName\":\"" + userName + "\",\"email\":\"" + userName
                + "@example.com\",\"givenName\":\"Given\",\"familyName\":\"Family\"}").get("id").asText();
    }

    /** An application provisioned into `server` through the API: SCIM base URL, then its credential. */
    static String app(LoopbackScimServer server, String token) throws Exception {
        String id = ok("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Slack\",\"scimBaseUrl\":\""
                + server.baseUri() + "\"}").get("id").asText();
        ok("PUT", "/apps/" + id + "/scim-credential", "{\"bearerToken\":\"" + token + "\"}");
        return id;
    }

    static long number(String sql) throws Exception {
        return Long.parseLong(deployment.queryAsOwner("eu", sql));
    }

    static long pending(String app) throws Exception {
        return number("select count(*) from provisioning_outbox where app_id = '" + app + "' and parked_at is null");
    }

    static long parked(String app) throws Exception {
        return number("select count(*) from provisioning_outbox where app_id = '" + app + "' and parked_at is not null");
    }

    /** The accounts' user names, and the members of each group by display name, as user names. */
    record ServerState(Set<String> userNames, Map<String, Set<String>> groups) {
        static ServerState of(LoopbackScimServer server) {
            List<UserResource> accounts = server.users();
            Map<String, String> nameById = accounts.stream().collect(Collectors.toMap(UserResource::getId,
                    UserResource::getUserName));
            Set<String> names = accounts.stream().map(UserResource::getUserName).collect(Collectors.toSet());
            assertEquals(accounts.size(), names.size(), "an account created twice");
            Map<String, Set<String>> groups = server.groups().stream().collect(Collectors.toMap(
                    GroupResource::getDisplayName, g -> g.getMembers() == null ? Set.of()
                            : g.getMembers().stream().map(Member::getValue)
                                    .map(id -> nameById.getOrDefault(id, "unknown:" + id))
                                    .collect(Collectors.toSet())));
            return new ServerState(names, groups);
        }
    }

    /**
     * Waits until the outbox holds nothing pending for `app` and the server holds `expected`; fails naming what
     * differs. Returns the seconds it took.
     */
    static double awaitState(String app, LoopbackScimServer server, ServerState expected, Duration within)
            throws Exception {
        long started = System.nanoTime();
        long deadline = started + within.toNanos();
        while (true) {
            ServerState now = ServerState.of(server);
            if (pending(app) == 0 && now.equals(expected)) {
                return (System.nanoTime() - started) / 1e9;
            }
            if (System.nanoTime() > deadline) {
                Set<String> missing = new java.util.TreeSet<>(expected.userNames());
                missing.removeAll(now.userNames());
                Set<String> extra = new java.util.TreeSet<>(now.userNames());
                extra.removeAll(expected.userNames());
                throw new AssertionError("not within " + within + ": pending " + pending(app) + ", parked "
                        + parked(app) + ", accounts missing " + missing + ", extra " + extra + ", groups "
                        + now.groups().keySet() + " " + now.groups().values().stream().map(Set::size).toList());
            }
            Thread.sleep(100);
        }
    }

    static ServerState allInTheGroup() {
        return new ServerState(userNames, Map.of("e2e-500", userNames));
    }

    static final ServerState EMPTY = new ServerState(Set.of(), Map.of());

    static void assertNothingParked(String app) throws Exception {
        assertEquals(0, parked(app), "parked records");
        assertEquals(0, ok("GET", "/provisioning/failures", null).get("items").size(), "the failures API lists none");
    }

    @Test
    void assigningAGroupOf500ProvisionsExactlyThoseAccountsAndUnassigningRemovesThem() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("e2e-a")) {
            String app = app(server, "e2e-a");
            ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
            double seconds = awaitState(app, server, allInTheGroup(), Duration.ofMinutes(3));
            assertNothingParked(app);
            long posts = server.requests().stream().filter(r -> r.method().equals("POST")
                    && r.path().equals("/Users") && r.status() == 201).count();
            assertEquals(MEMBERS, posts, "each account created once");
            System.out.printf("provisioning e2e: a group of %d assigned -> %d accounts and the group with its members"
                    + " in %.1f s (%d SCIM calls)%n", MEMBERS, MEMBERS, seconds, server.requests().size());

            ok("DELETE", "/apps/" + app + "/assignments/groups/" + group, null);
            double removal = awaitState(app, server, EMPTY, Duration.ofMinutes(3));
            assertNothingParked(app);
            assertEquals(0, number("select count(*) from app_accounts where app_id = '" + app + "'"),
                    "no account is remembered");
            System.out.printf("provisioning e2e: the assignment removed -> all %d accounts and the group deleted in"
                    + " %.1f s%n", MEMBERS, removal);
        }
    }

    @Test
    void aFlakyServerEndsInTheSameStateWithNothingParked() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("e2e-b")) {
            server.seed(9);
            server.failRandomly(0.3, 503);
            server.delayRandomly(Duration.ofMillis(1), Duration.ofMillis(20));
            String app = app(server, "e2e-b");
            ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
            double seconds = awaitState(app, server, allInTheGroup(), Duration.ofMinutes(4));
            assertNothingParked(app);
            long injected = server.requests().stream().filter(r -> r.injected()).count();
            assertTrue(injected > 100, "the server did fail: " + injected);
            System.out.printf("provisioning e2e: a group of %d through a server failing 30%% of %d calls (%d 503s)"
                    + " in %.1f s%n", MEMBERS, server.requests().size(), injected, seconds);

            ok("DELETE", "/apps/" + app + "/assignments/groups/" + group, null);
            awaitState(app, server, EMPTY, Duration.ofMinutes(4));
            assertNothingParked(app);
        }
    }

    /**
     * A server down for a minute (connections refused) parks nothing, and once it is back the backoff cap (2 s here)
     * bounds how long a record waits before its next attempt: it catches up within seconds, not another minute.
     */
    @Test
    void aServerDownForAMinuteCatchesUpPromptlyWhenItReturns() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("e2e-c")) {
            String app = app(server, "e2e-c");
            List<String> some = users.subList(0, 50);
            String small = ok("POST", "/groups", "{\"displayName\":\"e2e-50\"}").get("id").asText();
            for (String u : some) {
                ok("PUT", "/groups/" + small + "/members/" + u, null);
            }
            server.down();
            ok("PUT", "/apps/" + app + "/assignments/groups/" + small, null);
            Thread.sleep(60_000);
            assertTrue(pending(app) > 0, "waiting for the server");
            assertEquals(0, parked(app), "a minute of refused connections parks nothing");
            long retried = number("select coalesce(max(attempts), 0) from provisioning_outbox where app_id = '" + app
                    + "'");
            assertTrue(retried >= 10, "the workers kept trying: " + retried);
            assertEquals(List.of(), server.users(), "nothing was delivered while down");

            server.up();
            Set<String> names = IntStream.range(0, 50).mapToObj(i -> "e2e-" + i).collect(Collectors.toSet());
            double seconds = awaitState(app, server, new ServerState(names, Map.of("e2e-50", names)),
                    Duration.ofSeconds(15));
            assertNothingParked(app);
            assertEquals(50, server.requests().stream().filter(r -> r.method().equals("POST")
                    && r.path().equals("/Users") && r.status() == 201).count(), "each account created once");
            System.out.printf("provisioning e2e: 60 s down (up to %d attempts per record), caught up %.1f s after"
                    + " it returned%n", retried, seconds);
        }
    }

    @Test
    void reconciliationRestoresADeletedAccountAndRemovesAStrayOne() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("e2e-d")) {
            String app = app(server, "e2e-d");
            String alice = user("e2e-rec-alice");
            String bob = user("e2e-rec-bob");
            String unassigned = user("e2e-rec-unassigned");
            ok("PUT", "/apps/" + app + "/assignments/users/" + alice, null);
            ok("PUT", "/apps/" + app + "/assignments/users/" + bob, null);
            ServerState both = new ServerState(Set.of("e2e-rec-alice", "e2e-rec-bob"), Map.of());
            awaitState(app, server, both, Duration.ofSeconds(60));

            String aliceRemote = server.userByUserName("e2e-rec-alice").orElseThrow().getId();
            assertTrue(server.deleteUserDirectly(aliceRemote));
            UserResource stray = new UserResource().setUserName("e2e-rec-stray");
            stray.setExternalId(unassigned); // names one of our users, who is not assigned
            String strayId = server.addUserDirectly(stray).getId();
            String foreignId = server.addUserDirectly(new UserResource().setUserName("break-glass")).getId();

            JsonNode report = ok("POST", "/apps/" + app + "/reconcile", null);
            Map<String, String> causes = new java.util.HashMap<>();
            report.get("enqueued").forEach(c -> causes.put(c.get("id").asText(), c.get("cause").asText()));
            assertEquals(Map.of(alice, "reconciliation.missing", unassigned, "reconciliation.unassigned"), causes,
                    report.toString());

            awaitState(app, server, new ServerState(Set.of("e2e-rec-alice", "e2e-rec-bob", "break-glass"), Map.of()),
                    Duration.ofSeconds(60));
            assertNothingParked(app);
            assertTrue(server.user(strayId).isEmpty(), "the stray account is gone");
            assertTrue(server.user(foreignId).isPresent(), "an account that names none of ours is left alone");
            assertTrue(!server.userByUserName("e2e-rec-alice").orElseThrow().getId().equals(aliceRemote),
                    "alice's account was created again");
            assertEquals(0, ok("POST", "/apps/" + app + "/reconcile", null).get("enqueued").size(), "converged");
        }
    }

    @Test
    void periodicReconciliationRunsWithTheWorkersAndNotWhenTheyAreOff() throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("e2e-e")) {
            String app = app(server, "e2e-e");
            String carol = user("e2e-per-carol");
            ok("PUT", "/apps/" + app + "/assignments/users/" + carol, null);
            ServerState carolOnly = new ServerState(Set.of("e2e-per-carol"), Map.of());
            awaitState(app, server, carolOnly, Duration.ofSeconds(60));
            assertTrue(server.deleteUserDirectly(server.userByUserName("e2e-per-carol").orElseThrow().getId()));

            var off = tenantPlane(Map.of("IRU_WORKERS", "off",
                    "IRU_SCIM_RECONCILE_INTERVAL_SECONDS", "1"));
            Thread.sleep(3_000);
            assertEquals(List.of(), server.users(), "IRU_WORKERS=off: no periodic reconciliation either");
            assertEquals(0, pending(app));
            off.runtime().stop();

            var on = tenantPlane(Map.of("IRU_SCIM_RECONCILE_INTERVAL_SECONDS", "1"));
            double seconds = awaitState(app, server, carolOnly, Duration.ofSeconds(30));
            on.runtime().stop();
            assertNothingParked(app);
            System.out.printf("provisioning e2e: an account deleted by hand restored by the periodic reconciliation"
                    + " (every 1 s) within %.1f s%n", seconds);
        }
    }
}
