package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import iru.testkit.scim.LoopbackScimServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The steady load of the reliability suite against one tenant plane, from its own threads: two writers (create a
 * user, then add it to a group assigned to a SCIM application, so every acknowledged membership is a delivery),
 * `client_credentials` token requests, and a `/readyz` probe. Every request is recorded with its timing and answer;
 * what the API acknowledged (2xx) is kept to prove afterwards that none of it was lost.
 */
final class ReliabilityLoad implements AutoCloseable {
    /** No request may take longer than this; a hang is recorded as an outcome, not waited out. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * The tenant under load: its API key, a group assigned to a SCIM application (the loopback server), and an OAuth
     * client with its secret.
     */
    record Target(TestDeployment.TenantWithKey tenant, String group, String scimApp, String client, String secret) {
    }

    /**
     * One request: `kind` (user, member, token, readyz), its subject (a user name, a user id), when it was sent and
     * answered (System.nanoTime), the status (0: no answer, see `failure`), media type and problem type.
     */
    record Outcome(String kind, String subject, long sent, long answered, int status, String mediaType,
            String problemType, String failure) {
        boolean acknowledged() {
            return status >= 200 && status < 300;
        }

        Duration took() {
            return Duration.ofNanos(answered - sent);
        }

        boolean problem(int expectedStatus, String type) {
            return status == expectedStatus && mediaType.startsWith("application/problem+json")
                    && problemType.equals("https://iru.dev/problems/" + type);
        }

        @Override
        public String toString() {
            return kind + " " + subject + " -> " + status + " " + problemType + " in " + took().toMillis() + " ms"
                    + (failure.isEmpty() ? "" : " (" + failure + ")");
        }
    }

    private final URI base;
    private final Target target;
    private final String prefix;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    /** Acknowledged users: user name to id; acknowledged memberships: user ids. */
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    private ReliabilityLoad(URI base, Target target, String prefix) {
        this.base = base;
        this.target = target;
        this.prefix = prefix;
    }

    /**
     * Creates, through `control` and `api`, a tenant `slug` in eu with a group assigned to a SCIM application that
     * provisions into `server` (bearer `scimToken`) and an OAuth client with a fresh secret.
     */
    static Target prepare(TestDeployment.Plane control, TestDeployment.Plane api, LoopbackScimServer server,
            String scimToken, String slug) throws Exception {
        var tenant = TestDeployment.createTenant(control, slug, "eu");
        Call call = (method, path, body) -> {
            var res = api.as(tenant.key(), method, "/t/" + slug + "/v1" + path, body);
            assertTrue(res.statusCode() < 300, method + " " + path + " -> " + res.statusCode() + " " + res.body());
            return res.body().isEmpty() ? null : Json.MAPPER.readTree(res.body());
        };
        String group = call.send("POST", "/groups", "{\"displayName\":\"load\"}").get("id").asText();
        String scimApp = call.send("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Slack\","
                + "\"scimBaseUrl\":\"" + server.baseUri() + "\"}").get("id").asText();
        call.send("PUT", "/apps/" + scimApp + "/scim-credential", "{\"bearerToken\":\"" + scimToken + "\"}");
        call.send("PUT", "/apps/" + scimApp + "/assignments/groups/" + group, null);
        String client = call.send("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Reports\"}")
                .get("id").asText();
        String secret = call.send("POST", "/apps/" + client + "/client-secret", null).get("clientSecret").asText();
        return new Target(tenant, group, scimApp, client, secret);
    }

    interface Call {
        JsonNode send(String method, String path, String body) throws Exception;
    }

    /** Starts the load on the plane at `base`; user names start with `prefix`. */
    static ReliabilityLoad start(URI base, Target target, String prefix) {
        ReliabilityLoad load = new ReliabilityLoad(base, target, prefix);
        load.spawn("writer-a", () -> load.write("a"));
        load.spawn("writer-b", () -> load.write("b"));
        load.spawn("tokens", load::tokens);
        load.spawn("readyz", load::readiness);
        return load;
    }

    private void spawn(String name, Runnable loop) {
        threads.add(Thread.ofPlatform().name("load-" + name).daemon().start(loop));
    }

    private void write(String writer) {
        for (int i = 0; running; i++) {
            String userName = prefix + "-" + writer + "-" + i;
            Answer created = send("user", userName, "POST", "/t/" + target.tenant().slug() + "/v1/users",
                    "{\"userName\":\"" + userName + "\",\"email\":\"" + userName + "@example.com\","
                            + "\"givenName\":\"Given\",\"familyName\":\"Family\"}");
            if (created.outcome().acknowledged()) {
                String id = created.body().get("id").asText();
                users.put(userName, id);
                Answer member = send("member", id, "PUT", "/t/" + target.tenant().slug() + "/v1/groups/"
                        + target.group() + "/members/" + id, null);
                if (member.outcome().acknowledged()) {
                    members.add(id);
                }
            }
            pause(20);
        }
    }

    private void tokens() {
        String basic = "Basic " + Base64.getEncoder().encodeToString((target.client() + ":" + target.secret())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        while (running) {
            timed("token", target.client(), HttpRequest.newBuilder(base.resolve("/t/" + target.tenant().slug()
                    + "/token")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", basic)
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
            pause(50);
        }
    }

    private void readiness() {
        while (running) {
            timed("readyz", "", HttpRequest.newBuilder(base.resolve("/readyz")).GET());
            pause(200);
        }
    }

    private Answer send(String kind, String subject, String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + target.tenant().key())
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return timed(kind, subject, request);
    }

    /** An outcome and the JSON body it came with (null without one). */
    private record Answer(Outcome outcome, JsonNode body) {
    }

    /** Sends `request` and records its outcome. */
    private Answer timed(String kind, String subject, HttpRequest.Builder request) {
        long sent = System.nanoTime();
        try {
            HttpResponse<String> res = HTTP.send(request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            long answered = System.nanoTime();
            String mediaType = res.headers().firstValue("Content-Type").orElse("");
            String type = "";
            JsonNode body = null;
            if (mediaType.contains("json") && !res.body().isEmpty()) {
                body = Json.MAPPER.readTree(res.body());
                type = body.path("type").asText("");
            }
            return record(new Outcome(kind, subject, sent, answered, res.statusCode(), mediaType, type, ""), body);
        } catch (IOException e) {
            return record(new Outcome(kind, subject, sent, System.nanoTime(), 0, "", "", e.toString()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return record(new Outcome(kind, subject, sent, System.nanoTime(), 0, "", "", e.toString()), null);
        }
    }

    private Answer record(Outcome outcome, JsonNode body) {
        outcomes.add(outcome);
        return new Answer(outcome, body);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Acknowledged users by user name. */
    Map<String, String> acknowledgedUsers() {
        return Map.copyOf(users);
    }

    /** Ids of the users whose membership in the load's group was acknowledged. */
    Set<String> acknowledgedMembers() {
        return Set.copyOf(members);
    }

    /** Waits until some write sent after `since` (System.nanoTime) is acknowledged; returns when it was answered. */
    long awaitAcknowledgedWriteAfter(long since, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            var first = outcomes.stream().filter(o -> o.kind().equals("user") && o.sent() > since && o.acknowledged())
                    .mapToLong(Outcome::answered).min();
            if (first.isPresent()) {
                return first.getAsLong();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no write acknowledged within " + within + "; the last answers: "
                + outcomes.stream().skip(Math.max(0, outcomes.size() - 10)).toList());
    }

    /** Stops sending and waits for the requests in flight to be answered. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(REQUEST_TIMEOUT.plusSeconds(5).toMillis());
        }
    }

    /**
     * Proves, as the schema owner of the tenant's region (`eu`), that every acknowledged user and membership exists.
     */
    void assertAcknowledgedWritesExist(TestDeployment deployment) throws Exception {
        Set<String> storedUsers = new HashSet<>();
        Set<String> storedMembers = new HashSet<>();
        try (Connection c = deployment.databases.connectAsOwner("eu")) {
            try (ResultSet rs = c.createStatement().executeQuery("select user_id::text from users")) {
                while (rs.next()) {
                    storedUsers.add(rs.getString(1));
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("select user_id::text from group_members"
                    + " where group_id = '" + target.group() + "'")) {
                while (rs.next()) {
                    storedMembers.add(rs.getString(1));
                }
            }
        }
        Set<String> lostUsers = new TreeSet<>(users.values());
        lostUsers.removeAll(storedUsers);
        Set<String> lostMembers = new TreeSet<>(members);
        lostMembers.removeAll(storedMembers);
        assertEquals(Set.of(), lostUsers, "acknowledged users lost");
        assertEquals(Set.of(), lostMembers, "acknowledged memberships lost");
    }

    /** The user names of the group's members as the database holds them: what the SCIM server must end up with. */
    Set<String> memberNamesStored(TestDeployment deployment) throws Exception {
        Set<String> names = new TreeSet<>();
        try (Connection c = deployment.databases.connectAsOwner("eu");
             ResultSet rs = c.createStatement().executeQuery("select u.user_name from group_members m join users u"
                     + " on u.tenant_id = m.tenant_id and u.user_id = m.user_id where m.group_id = '" + target.group()
                     + "'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** Counts of the answers by kind and status, e.g. `user 201=120, user 503=14`. */
    String summary() {
        return outcomes.stream().collect(Collectors.groupingBy(o -> o.kind() + " " + o.status(), java.util.TreeMap::new,
                Collectors.counting())).toString();
    }
}
