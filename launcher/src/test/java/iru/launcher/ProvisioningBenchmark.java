package iru.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import iru.foundation.secrets.DevSecretStore;
import iru.interfaces.http.Json;
import iru.testkit.scim.LoopbackScimServer;
import iru.testkit.scim.ScimRequest;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Provisioning figures, printed (not a verdict; run explicitly, surefire does not pick it up by name):
 * <pre>bash .ci/bench-provisioning</pre>
 * One tenant plane with its provisioning workers at their DEFAULT settings (count, batch, poll), a loopback SCIM
 * server, and: (1) a group of N users assigned at once, the events delivered per second and accounts expected vs
 * present; (2) single assignments paced at a fixed rate, the lag from the assignment's commit (its 204 returned) to
 * the account's creation downstream (the SCIM server's own receive time); (3) client_credentials token latency from a
 * fixed number of concurrent clients, first with an idle healthy downstream, then while a second application's
 * downstream hangs every call for 10 s with N records queued for it. It fails only if an account is lost.
 */
class ProvisioningBenchmark {
    static final int USERS = Integer.getInteger("iru.bench.users", 2000);
    static final int PACED = Integer.getInteger("iru.bench.paced", 300);
    static final int PACED_PER_SECOND = Integer.getInteger("iru.bench.pacedPerSecond", 50);
    static final int CLIENTS = Integer.getInteger("iru.bench.clients", 8);
    /** Tokens per second in the token phase: below saturation, so that p99 shows the path, not the run queue. */
    static final int TOKEN_RATE = Integer.getInteger("iru.bench.tokenRate", 400);
    static final int TOKEN_ROUNDS = Integer.getInteger("iru.bench.tokenRounds", 5);
    static final Duration TOKEN_WINDOW = Duration.ofSeconds(Integer.getInteger("iru.bench.tokenSeconds", 6));
    /** Records queued for the hanging downstream in each hanging window. */
    static final int HANG_USERS = Integer.getInteger("iru.bench.hangUsers", 200);
    /** Tenants whose groups are assigned at once in the bulk phase (each its own application and SCIM server). */
    static final int TENANTS = Integer.getInteger("iru.bench.tenants", 1);
    /** Latency of every call to the bulk phase's SCIM servers (0: loopback speed). */
    static final int DOWNSTREAM_MILLIS = Integer.getInteger("iru.bench.downstreamMillis", 0);
    /** Whether the bulk phase first runs the same assignment into throwaway applications (JIT warm-up). */
    static final boolean WARMUP = Boolean.parseBoolean(System.getProperty("iru.bench.warmup", "true"));
    static final List<String> PHASES = List.of(System.getProperty("iru.bench.phases", "bulk,paced,tokens").split(","));

    TestDeployment.Plane api;
    TestDeployment.TenantWithKey tenant;
    final List<String> table = new ArrayList<>();

    @Test
    void provisioningFigures() throws Exception {
        try (var upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
             TestDeployment deployment = TestDeployment.create("t_prov_bench")) {
            var control = deployment.startControlWithCatalog(upstream);
            DevSecretStore secrets = new DevSecretStore(deployment.environment, Duration.ofHours(1),
                    Clock.systemUTC());
            // Worker settings are the defaults; only periodic reconciliation is off, so it adds no calls.
            Map<String, String> env = new HashMap<>(Map.of("IRU_SCIM_RECONCILE_INTERVAL_SECONDS", "0",
                    "IRU_TRACE_SAMPLE_RATIO", "0.0"));
            for (String pair : System.getProperty("iru.bench.env", "").split(",")) {
                if (pair.contains("=")) { // e.g. -Diru.bench.env=IRU_WORKER_COUNT=16,IRU_WORKER_POOL_MAX=16
                    env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                }
            }
            api = deployment.start(Plane.tenant, iru.foundation.config.IruConfig.from(deployment.environment(env)),
                    secrets);
            tenant = TestDeployment.createTenant(control, "bench", "eu");
            List<TestDeployment.TenantWithKey> tenants = new ArrayList<>(List.of(tenant));
            for (int t = 1; t < TENANTS; t++) {
                tenants.add(TestDeployment.createTenant(control, "bench-" + t, "eu"));
            }

            long started = System.nanoTime();
            List<String> paced = ProvisioningEndToEndTest.parallel(IntStream.range(USERS, USERS + PACED).boxed()
                    .toList(), i -> user(tenant, "b-" + i));
            List<String> groups = new ArrayList<>();
            for (TestDeployment.TenantWithKey t : tenants) {
                List<String> bulk = ProvisioningEndToEndTest.parallel(IntStream.range(0, USERS).boxed().toList(),
                        i -> user(t, "b-" + i));
                String group = ok(t, "POST", "/groups", "{\"displayName\":\"bench\"}").get("id").asText();
                ProvisioningEndToEndTest.parallel(bulk, u -> ok(t, "PUT", "/groups/" + group + "/members/" + u, null));
                groups.add(group);
            }
            System.out.printf("setup: %d tenant(s), each a group of %d users, %d more users, in %.1f s%n",
                    tenants.size(), USERS, PACED, (System.nanoTime() - started) / 1e9);

            if (PHASES.contains("bulk")) {
                bulkAssignment(deployment, tenants, groups);
            }
            if (PHASES.contains("paced")) {
                pacedAssignments(deployment, paced);
            }
            if (PHASES.contains("tokens")) {
                tokens(deployment);
            }
        }
        System.out.println();
        System.out.println("provisioning benchmark (workers at their defaults: IRU_WORKER_COUNT=4, IRU_WORKER_BATCH=10,"
                + " IRU_WORKER_POLL_MILLIS=500; overrides: " + System.getProperty("iru.bench.env", "none")
                + (DOWNSTREAM_MILLIS > 0 ? "; bulk downstream " + DOWNSTREAM_MILLIS + " ms per call" : "") + ")");
        table.forEach(System.out::println);
        System.out.println();
    }

    /**
     * Each tenant's group of USERS assigned in one request, all tenants at once (one by default): events/s as the
     * workers drain the outbox, overall and per tenant.
     */
    void bulkAssignment(TestDeployment deployment, List<TestDeployment.TenantWithKey> tenants, List<String> groups)
            throws Exception {
        if (WARMUP) {
            // The same work into throwaway applications first: the figure below is of a warm JVM, as a server that
            // has been running is; this round's own figure is printed too.
            bulkRound(deployment, tenants, groups, "warm-up (cold JVM): ");
        }
        bulkRound(deployment, tenants, groups, "");
    }

    void bulkRound(TestDeployment deployment, List<TestDeployment.TenantWithKey> tenants, List<String> groups,
            String label) throws Exception {
        List<LoopbackScimServer> servers = new ArrayList<>();
        try {
            List<String> apps = new ArrayList<>();
            for (int t = 0; t < tenants.size(); t++) {
                String token = (label.isEmpty() ? "bench-a" : "warm-a") + t;
                servers.add(LoopbackScimServer.start(token));
                if (DOWNSTREAM_MILLIS > 0) { // a downstream with a real one's latency: every call takes this long
                    servers.get(t).delayRandomly(Duration.ofMillis(DOWNSTREAM_MILLIS),
                            Duration.ofMillis(DOWNSTREAM_MILLIS));
                }
                apps.add(app(tenants.get(t), servers.get(t), token));
            }
            Instant committed = Instant.now();
            ProvisioningEndToEndTest.parallel(IntStream.range(0, tenants.size()).boxed().toList(), t -> ok(
                    tenants.get(t), "PUT", "/apps/" + apps.get(t) + "/assignments/groups/" + groups.get(t), null));
            List<ScimRequest> all = new ArrayList<>();
            for (int t = 0; t < tenants.size(); t++) {
                awaitDrained(deployment, apps.get(t), servers.get(t), USERS, Duration.ofMinutes(5));
            }
            for (int t = 0; t < tenants.size(); t++) {
                List<ScimRequest> requests = servers.get(t).requests();
                all.addAll(requests);
                Instant last = requests.stream().map(ScimRequest::at).max(Instant::compareTo).orElseThrow();
                double seconds = Duration.between(committed, last).toNanos() / 1e9;
                int present = servers.get(t).users().size();
                table.add(String.format("%sgroup of %d assigned at once%s %8.0f accounts/s  (%d in %.2f s, %d SCIM"
                        + " calls)   accounts expected %d, present %d, parked %d", label, USERS, tenants.size() == 1 ? ""
                        : " (tenant " + (t + 1) + " of " + tenants.size() + ")", USERS / seconds, USERS, seconds,
                        requests.size(), USERS, present, parked(deployment, apps.get(t))));
                table.add("  " + label + "SCIM calls by kind: " + callsByKind(requests));
                check(USERS, present);
            }
            Instant last = all.stream().map(ScimRequest::at).max(Instant::compareTo).orElseThrow();
            double seconds = Duration.between(committed, last).toNanos() / 1e9;
            long[] lag = all.stream().filter(ProvisioningBenchmark::created)
                    .mapToLong(r -> Duration.between(committed, r.at()).toNanos()).toArray();
            if (tenants.size() > 1) {
                table.add(String.format("  %sall %d tenants together          %8.0f accounts/s  (%d in %.2f s)",
                        label, tenants.size(), USERS * tenants.size() / seconds, USERS * tenants.size(), seconds));
            }
            table.add(String.format("  %stime to account (queue wait)      p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms",
                    label, ms(lag, 0.50), ms(lag, 0.99), ms(lag, 1.0)));
        } finally {
            servers.forEach(LoopbackScimServer::close);
        }
    }

    /** Single assignments at PACED_PER_SECOND: lag from commit to the account created downstream. */
    void pacedAssignments(TestDeployment deployment, List<String> paced) throws Exception {
        try (LoopbackScimServer server = LoopbackScimServer.start("bench-b")) {
            String app = app(server, "bench-b");
            Map<String, Instant> committed = new HashMap<>();
            long interval = 1_000_000_000L / PACED_PER_SECOND;
            long next = System.nanoTime();
            for (int i = 0; i < paced.size(); i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                ok("PUT", "/apps/" + app + "/assignments/users/" + paced.get(i), null);
                committed.put("b-" + (USERS + i), Instant.now());
                next += interval;
            }
            awaitDrained(deployment, app, server, PACED, Duration.ofMinutes(2));
            long[] lag = server.requests().stream().filter(ProvisioningBenchmark::created)
                    .mapToLong(r -> Duration.between(committed.get(userName(r)), r.at()).toNanos()).toArray();
            int present = server.users().size();
            table.add(String.format("%d single assignments at %d/s      lag commit -> account p50 %8.1f ms   p99"
                    + " %8.1f ms   accounts expected %d, present %d, parked %d", PACED, PACED_PER_SECOND,
                    ms(lag, 0.50), ms(lag, 0.99), PACED, present, parked(deployment, app)));
            check(PACED, present);
        }
    }

    /**
     * Token latency with and without a hanging downstream, in alternating windows: ROUNDS times a window with every
     * queue empty (healthy), then a window in which another application's SCIM server holds every call for 10 s
     * while HANG_USERS records are queued for it (every worker inside a hanging call). The tokens are requested at a
     * fixed rate below the machine's saturation (open loop, latency counted from each request's scheduled time), so
     * a window's p99 is the path's own tail, not the run queue of two saturated cores; and healthy and hanging
     * windows alternate, so drift of the machine (other processes, JIT, page cache) falls on both alike.
     */
    void tokens(TestDeployment deployment) throws Exception {
        String client = ok("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Token client\"}")
                .get("id").asText();
        String secret = ok("POST", "/apps/" + client + "/client-secret", null).get("clientSecret").asText();
        String basic = "Basic " + Base64.getEncoder().encodeToString((client + ":" + URLEncoder.encode(secret,
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        HttpRequest token = HttpRequest.newBuilder(api.uri("/t/" + tenant.slug() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        List<String> members = ProvisioningEndToEndTest.parallel(IntStream.range(0, HANG_USERS).boxed().toList(),
                i -> user(tenant, "h-" + i));
        String group = ok("POST", "/groups", "{\"displayName\":\"hang\"}").get("id").asText();
        ProvisioningEndToEndTest.parallel(members, u -> ok("PUT", "/groups/" + group + "/members/" + u, null));
        loadTokens(token, Duration.ofSeconds(5)); // warm-up, back to back
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             LoopbackScimServer hanging = LoopbackScimServer.start("bench-c")) {
            String app = app(hanging, "bench-c");
            List<long[]> healthy = new ArrayList<>();
            List<long[]> hung = new ArrayList<>();
            long queuedWhileHanging = Long.MAX_VALUE;
            pacedTokens(http, token, TOKEN_WINDOW); // warm-up at the measured rate
            for (int round = 0; round < TOKEN_ROUNDS; round++) {
                Thread.sleep(1_500); // as long after the last change as the hanging window below, so neither window
                // measures the other's aftermath (the drain's last commits, autovacuum of the removed rows)
                healthy.add(pacedTokens(http, token, TOKEN_WINDOW));

                hanging.hang(Duration.ofSeconds(10));
                ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
                Thread.sleep(1_500); // the workers poll every 500 ms: by now every one is inside a hanging call
                hung.add(pacedTokens(http, token, TOKEN_WINDOW));
                queuedWhileHanging = Math.min(queuedWhileHanging, pending(deployment, app));

                hanging.healthy(); // releases the held calls; the queue drains, then the accounts are removed again
                awaitDrained(deployment, app, hanging, members.size(), Duration.ofMinutes(2));
                ok("DELETE", "/apps/" + app + "/assignments/groups/" + group, null);
                awaitRemoved(deployment, app, hanging, Duration.ofMinutes(2));
            }
            double[] ratios = new double[TOKEN_ROUNDS];
            for (int round = 0; round < TOKEN_ROUNDS; round++) {
                ratios[round] = ms(hung.get(round), 0.99) / ms(healthy.get(round), 0.99);
                table.add(String.format("  round %d: POST /token p99 healthy %6.2f ms, hanging %6.2f ms (%+.1f%%)",
                        round + 1, ms(healthy.get(round), 0.99), ms(hung.get(round), 0.99), (ratios[round] - 1) * 100));
            }
            Arrays.sort(ratios);
            long[] allHealthy = healthy.stream().flatMapToLong(Arrays::stream).toArray();
            long[] allHung = hung.stream().flatMapToLong(Arrays::stream).toArray();
            table.add(String.format("POST /token at %d/s, healthy    p50 %6.2f ms   p99 %6.2f ms   (%d tokens in %d"
                    + " windows of %d s)", TOKEN_RATE, ms(allHealthy, 0.5), ms(allHealthy, 0.99), allHealthy.length,
                    TOKEN_ROUNDS, TOKEN_WINDOW.toSeconds()));
            table.add(String.format("POST /token at %d/s, hanging    p50 %6.2f ms   p99 %6.2f ms   (%d tokens; at"
                    + " least %d records queued behind the hang in every window)", TOKEN_RATE, ms(allHung, 0.5),
                    ms(allHung, 0.99), allHung.length, queuedWhileHanging));
            table.add(String.format("  p99 hanging vs healthy: %+.1f%% over all windows, %+.1f%% median of the rounds"
                    + " (target: within 10%%)", (ms(allHung, 0.99) / ms(allHealthy, 0.99) - 1) * 100,
                    (ratios[TOKEN_ROUNDS / 2] - 1) * 100));
        }
    }

    /**
     * Tokens requested at TOKEN_RATE per second for `run`, each on its own virtual thread at its scheduled time
     * (open loop: a slow answer does not delay the next request); every latency in nanoseconds from the scheduled
     * time, sorted.
     */
    long[] pacedTokens(HttpClient http, HttpRequest token, Duration run) throws Exception {
        int count = (int) (TOKEN_RATE * run.toSeconds());
        long[] latencies = new long[count];
        long interval = 1_000_000_000L / TOKEN_RATE;
        long start = System.nanoTime();
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sent = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long scheduled = start + i * interval;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                int index = i;
                sent.add(requests.submit(() -> {
                    HttpResponse<String> res = http.send(token, HttpResponse.BodyHandlers.ofString());
                    latencies[index] = System.nanoTime() - scheduled;
                    if (res.statusCode() != 200) {
                        throw new AssertionError("token " + res.statusCode() + " " + res.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        Arrays.sort(latencies);
        return latencies;
    }

    void awaitRemoved(TestDeployment deployment, String app, LoopbackScimServer server, Duration within)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (pending(deployment, app) > 0 || !server.users().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("accounts not removed within " + within + ": " + server.users().size());
            }
            Thread.sleep(100);
        }
    }

    /** Tokens requested back to back by CLIENTS threads for `run`; every latency in nanoseconds, sorted. */
    long[] loadTokens(HttpRequest token, Duration run) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long end = System.nanoTime() + run.toNanos();
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                futures.add(pool.submit(() -> {
                    long[] latencies = new long[1024];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        HttpResponse<String> res = http.send(token, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - t;
                        if (res.statusCode() != 200) {
                            throw new AssertionError("token " + res.statusCode() + " " + res.body());
                        }
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = took;
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get());
            }
            long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
            Arrays.sort(merged);
            return merged;
        } finally {
            pool.shutdownNow();
            http.close();
        }
    }

    /**
     * How many calls of each method, resource type and status, e.g. `POST /Users 201 x2000, PATCH /Groups/{id} 200
     * x41`: a count above one call per account says what the others were (group pushes, joins, adoptions, retries).
     */
    static String callsByKind(List<ScimRequest> requests) {
        Map<String, Long> kinds = new java.util.TreeMap<>();
        for (ScimRequest r : requests) {
            String[] segments = r.path().split("/");
            String path = segments.length > 2 ? "/" + segments[1] + "/{id}" : r.path();
            kinds.merge(r.method() + " " + path + " " + r.status(), 1L, Long::sum);
        }
        return kinds.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    static boolean created(ScimRequest r) {
        return r.method().equals("POST") && r.path().equals("/Users") && r.status() == 201;
    }

    static String userName(ScimRequest r) {
        try {
            return Json.MAPPER.readTree(r.body()).get("userName").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The `q` quantile of `nanos` in milliseconds (sorts in place). */
    static double ms(long[] nanos, double q) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(nanos);
        int index = (int) Math.ceil(q * nanos.length) - 1;
        return nanos[Math.max(0, Math.min(nanos.length - 1, index))] / 1e6;
    }

    static void check(int expected, int present) {
        if (expected != present) {
            throw new AssertionError("lost accounts: expected " + expected + ", present " + present);
        }
    }

    void awaitDrained(TestDeployment deployment, String app, LoopbackScimServer server, int accounts,
            Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        // One connection for the whole wait, and the outbox first: a new connection per poll, or copying the
        // server's accounts every poll, would take CPU from the workers measured.
        try (java.sql.Connection c = deployment.databases.connectAsOwner("eu");
             var s = c.prepareStatement("select count(*) from provisioning_outbox where app_id = ?::uuid"
                     + " and parked_at is null")) {
            s.setString(1, app);
            while (count(s) > 0 || server.users().size() < accounts) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not drained within " + within + ": accounts " + server.users().size()
                            + " of " + accounts + ", pending " + count(s));
                }
                Thread.sleep(50);
            }
        }
    }

    static long count(java.sql.PreparedStatement s) throws java.sql.SQLException {
        try (var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long pending(TestDeployment deployment, String app) throws Exception {
        return Long.parseLong(deployment.queryAsOwner("eu", "select count(*) from provisioning_outbox where app_id = '"
                + app + "' and parked_at is null"));
    }

    static long parked(TestDeployment deployment, String app) throws Exception {
        return Long.parseLong(deployment.queryAsOwner("eu", "select count(*) from provisioning_outbox where app_id = '"
                + app + "' and parked_at is not null"));
    }

    String app(LoopbackScimServer server, String token) throws Exception {
        return app(tenant, server, token);
    }

    String app(TestDeployment.TenantWithKey owner, LoopbackScimServer server, String token) throws Exception {
        String id = ok(owner, "POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Slack\",\"scimBaseUrl\":\""
                + server.baseUri() + "\"}").get("id").asText();
        ok(owner, "PUT", "/apps/" + id + "/scim-credential", "{\"bearerToken\":\"" + token + "\"}");
        return id;
    }

    String user(TestDeployment.TenantWithKey owner, String userName) throws Exception {
        return ok(owner, "POST", "/users", "{\"userName\":\"" + userName + "\",\"email\":\"" + userName
                + "@example.com\",\"givenName\":\"Given\",\"familyName\":\"Family\"}").get("id").asText();
    }

    JsonNode ok(String method, String path, String body) throws Exception {
        return ok(tenant, method, path, body);
    }

    JsonNode ok(TestDeployment.TenantWithKey owner, String method, String path, String body) throws Exception {
        HttpResponse<String> res = api.as(owner.key(), method, "/t/" + owner.slug() + "/v1" + path, body);
        if (res.statusCode() >= 300) {
            throw new AssertionError(method + " " + path + " -> " + res.statusCode() + " " + res.body());
        }
        return res.body().isEmpty() ? null : Json.MAPPER.readTree(res.body());
    }
}
