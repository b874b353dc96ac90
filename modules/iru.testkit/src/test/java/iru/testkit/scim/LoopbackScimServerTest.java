package iru.testkit.scim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopbackScimServerTest {
    private static final String TOKEN = "token-one";

    private LoopbackScimServer scim;
    private HttpClient http;

    @BeforeEach
    void start() {
        scim = LoopbackScimServer.start(TOKEN);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stop() {
        scim.close();
        http.close();
    }

    @Test
    void createAssignsIdAndEtagAndRejectsATakenUserNameInAnyCase() throws Exception {
        HttpResponse<String> created = call("POST", "/Users", user("alice", "ext-1"), TOKEN, null);
        assertEquals(201, created.statusCode());
        JsonNode body = json(created);
        assertNotNull(body.path("id").asText(null));
        assertEquals(body.path("meta").path("version").asText(), created.headers().firstValue("ETag").orElseThrow());
        assertEquals(scim.baseUri() + "/Users/" + body.path("id").asText(), body.path("meta").path("location").asText());

        HttpResponse<String> duplicate = call("POST", "/Users", user("ALICE", "ext-2"), TOKEN, null);
        assertEquals(409, duplicate.statusCode());
        assertEquals("uniqueness", json(duplicate).path("scimType").asText());
        assertEquals(List.of("alice"), scim.users().stream().map(UserResource::getUserName).toList());

        String id = body.path("id").asText();
        String bob = json(call("POST", "/Users", user("bob", "ext-3"), TOKEN, null)).path("id").asText();
        assertEquals(409, call("PUT", "/Users/" + bob, user("Alice", "ext-3"), TOKEN, null).statusCode());
        assertEquals(409, call("PATCH", "/Users/" + bob, replace("userName", "\"alice\""), TOKEN, null).statusCode());
        assertEquals("bob", scim.user(bob).orElseThrow().getUserName());
        assertEquals(200, call("PUT", "/Users/" + id, user("Alice", "ext-1"), TOKEN, null).statusCode()); // itself
    }

    @Test
    void filtersUsersByUserNameAndExternalId() throws Exception {
        for (String name : List.of("ann", "ben", "cat")) {
            call("POST", "/Users", user(name, "ext-" + name), TOKEN, null);
        }
        JsonNode byName = json(get("/Users?filter=" + encode("userName eq \"BEN\"")));
        assertEquals(1, byName.path("totalResults").asInt());
        assertEquals("ben", byName.path("Resources").get(0).path("userName").asText());
        JsonNode byExternalId = json(get("/Users?filter=" + encode("externalId eq \"ext-cat\"")));
        assertEquals("cat", byExternalId.path("Resources").get(0).path("userName").asText());
        assertEquals(0, json(get("/Users?filter=" + encode("userName eq \"nobody\""))).path("totalResults").asInt());
        assertEquals(2, json(get("/Users?filter=" + encode("userName sw \"a\" or userName sw \"b\"")))
                .path("totalResults").asInt());

        HttpResponse<String> malformed = get("/Users?filter=" + encode("userName eq"));
        assertEquals(400, malformed.statusCode());
        assertEquals("invalidFilter", json(malformed).path("scimType").asText());
    }

    @Test
    void pagesWithStartIndexAndCountAndCapsThePageSize() throws Exception {
        for (int i = 0; i < 25; i++) {
            call("POST", "/Users", user("user" + i, null), TOKEN, null);
        }
        Set<String> seen = new HashSet<>();
        for (int start = 1; start <= 25; start += 10) {
            JsonNode page = json(get("/Users?startIndex=" + start + "&count=10"));
            assertEquals(25, page.path("totalResults").asInt());
            assertEquals(start, page.path("startIndex").asInt());
            assertEquals(start == 21 ? 5 : 10, page.path("itemsPerPage").asInt());
            page.path("Resources").forEach(u -> seen.add(u.path("id").asText()));
        }
        assertEquals(25, seen.size());
        JsonNode none = json(get("/Users?count=0"));
        assertEquals(25, none.path("totalResults").asInt());
        assertEquals(0, none.path("Resources").size());
        assertEquals(0, json(get("/Users?startIndex=40")).path("Resources").size());
        scim.pageSizeLimit(7);
        assertEquals(7, json(get("/Users?count=50")).path("Resources").size());
        assertEquals(400, get("/Users?count=ten").statusCode());
    }

    @Test
    void getPutPatchAndDeleteById() throws Exception {
        String id = json(call("POST", "/Users", user("dora", "ext-d"), TOKEN, null)).path("id").asText();
        assertEquals("dora", json(get("/Users/" + id)).path("userName").asText());

        HttpResponse<String> put = call("PUT", "/Users/" + id, user("dora2", "ext-d"), TOKEN, null);
        assertEquals(200, put.statusCode());
        assertEquals(id, json(put).path("id").asText());
        HttpResponse<String> patched = call("PATCH", "/Users/" + id, replace("active", "false"), TOKEN, null);
        assertEquals(200, patched.statusCode());
        assertFalse(scim.user(id).orElseThrow().getActive());
        assertEquals("dora2", scim.user(id).orElseThrow().getUserName());

        assertEquals(204, call("DELETE", "/Users/" + id, null, TOKEN, null).statusCode());
        assertEquals(404, get("/Users/" + id).statusCode());
        assertEquals(404, call("DELETE", "/Users/" + id, null, TOKEN, null).statusCode());
        assertEquals(404, call("PUT", "/Users/" + id, user("dora", null), TOKEN, null).statusCode());
        assertEquals(404, call("PATCH", "/Users/" + id, replace("active", "true"), TOKEN, null).statusCode());
        assertTrue(scim.users().isEmpty());
        assertEquals(400, call("POST", "/Users", "{\"displayName\":\"no user name\"}", TOKEN, null).statusCode());
        assertEquals(400, call("POST", "/Users", "{not json", TOKEN, null).statusCode());
        assertEquals(404, get("/Nothing").statusCode());
    }

    @Test
    void aStaleIfMatchIs412AndChangesNothing() throws Exception {
        HttpResponse<String> created = call("POST", "/Users", user("eve", null), TOKEN, null);
        String id = json(created).path("id").asText();
        String first = created.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> updated = call("PUT", "/Users/" + id, user("eve", "x"), TOKEN, first);
        assertEquals(200, updated.statusCode());
        String second = updated.headers().firstValue("ETag").orElseThrow();
        assertNotEquals(first, second);

        assertEquals(412, call("PUT", "/Users/" + id, user("mallory", null), TOKEN, first).statusCode());
        assertEquals(412, call("PATCH", "/Users/" + id, replace("userName", "\"mallory\""), TOKEN, first)
                .statusCode());
        assertEquals(412, call("DELETE", "/Users/" + id, null, TOKEN, first).statusCode());
        assertEquals("eve", scim.user(id).orElseThrow().getUserName());
        assertEquals(second, scim.user(id).orElseThrow().getMeta().getVersion());
        assertEquals(204, call("DELETE", "/Users/" + id, null, TOKEN, second).statusCode());
    }

    @Test
    void groupMembersAreAddedAndRemovedByPatchAndFollowDeletedUsers() throws Exception {
        String a = json(call("POST", "/Users", user("a", null), TOKEN, null)).path("id").asText();
        String b = json(call("POST", "/Users", user("b", null), TOKEN, null)).path("id").asText();
        HttpResponse<String> created = call("POST", "/Groups", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:"
                + "Group\"],\"displayName\":\"eng\",\"members\":[{\"value\":\"" + a + "\"}]}", TOKEN, null);
        assertEquals(201, created.statusCode());
        String group = json(created).path("id").asText();

        assertEquals(200, call("PATCH", "/Groups/" + group, operation("add", "members", "[{\"value\":\"" + b + "\"}]"),
                TOKEN, null).statusCode());
        assertEquals(Set.of(a, b), members(group));
        assertEquals(200, call("PATCH", "/Groups/" + group, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
                + "PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + a + "\\\"]\"}]}",
                TOKEN, null).statusCode());
        assertEquals(Set.of(b), members(group));

        HttpResponse<String> unknown = call("PATCH", "/Groups/" + group,
                operation("add", "members", "[{\"value\":\"no-such-user\"}]"), TOKEN, null);
        assertEquals(400, unknown.statusCode());
        assertEquals(Set.of(b), members(group));

        String before = scim.group(group).orElseThrow().getMeta().getVersion();
        assertEquals(204, call("DELETE", "/Users/" + b, null, TOKEN, null).statusCode());
        assertEquals(Set.of(), members(group));
        assertNotEquals(before, scim.group(group).orElseThrow().getMeta().getVersion());
    }

    @Test
    void aMissingOrWrongTokenIs401AndRotationTakesEffectAtOnce() throws Exception {
        assertEquals(401, call("GET", "/Users", null, null, null).statusCode());
        HttpResponse<String> wrong = call("POST", "/Users", user("x", null), "token-two", null);
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertTrue(scim.users().isEmpty());

        scim.token("token-two");
        assertEquals(401, call("GET", "/Users", null, TOKEN, null).statusCode());
        assertEquals(201, call("POST", "/Users", user("x", null), "token-two", null).statusCode());
        List<ScimRequest> log = scim.requests();
        assertEquals(4, log.size());
        assertEquals(List.of(401, 401, 401, 201), log.stream().map(ScimRequest::status).toList());
        assertTrue(log.get(3).bearer("token-two"));
        assertFalse(log.get(3).toString().contains("token-two"));
    }

    @Test
    void injectsFailuresAtTheRequestedRateAndThrottlesWithRetryAfter() throws Exception {
        scim.failNext(2, 500);
        assertEquals(500, get("/Users").statusCode());
        assertEquals(500, get("/Users").statusCode());
        assertEquals(200, get("/Users").statusCode());

        scim.failRandomly(0.3, 503);
        int failed = 0;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = call("POST", "/Users", user("u" + i, null), TOKEN, null);
            failed += r.statusCode() == 503 ? 1 : 0;
            assertTrue(r.statusCode() == 503 || r.statusCode() == 201, "status " + r.statusCode());
        }
        assertTrue(failed > 35 && failed < 85, "503s: " + failed);
        assertEquals(200 - failed, scim.users().size()); // a failed call stored nothing

        scim.healthy();
        scim.throttleRandomly(1.0, Duration.ofSeconds(7));
        HttpResponse<String> throttled = get("/Users");
        assertEquals(429, throttled.statusCode());
        assertEquals("7", throttled.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(scim.requests().getLast().injected());
        scim.healthy();
        assertEquals(200, get("/Users").statusCode());
    }

    @Test
    void delaysWithinTheRangeAndHangsUntilHealthy() throws Exception {
        scim.delayRandomly(Duration.ofMillis(50), Duration.ofMillis(120));
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertEquals(200, get("/Users").statusCode());
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertTrue(ms >= 50 && ms < 1_000, "took " + ms + " ms");
        }
        scim.healthy();

        scim.hang(Duration.ofSeconds(30));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long t0 = System.nanoTime();
            Future<HttpResponse<String>> hanging = pool.submit(() -> get("/Users"));
            Thread.sleep(300);
            assertFalse(hanging.isDone());
            HttpRequest bounded = request("GET", "/Users", null, TOKEN, null).timeout(Duration.ofMillis(200)).build();
            assertThrows(IOException.class, () -> http.send(bounded, HttpResponse.BodyHandlers.ofString()));
            scim.healthy();
            assertEquals(200, hanging.get().statusCode());
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10);
        }
    }

    @Test
    void goesDownRefusingConnectionsAndComesBackOnTheSamePortWithItsState() throws Exception {
        call("POST", "/Users", user("kept", null), TOKEN, null);
        URI base = scim.baseUri();
        scim.down();
        assertFalse(scim.isUp());
        IOException refused = assertThrows(IOException.class, () -> get("/Users"));
        assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException,
                refused.toString());
        scim.up();
        assertEquals(base, scim.baseUri());
        assertEquals("kept", json(get("/Users")).path("Resources").get(0).path("userName").asText());
    }

    @Test
    void directMutationsBypassTheApiAndShowInIt() throws Exception {
        String id = json(call("POST", "/Users", user("real", "ext-r"), TOKEN, null)).path("id").asText();
        UserResource stray = scim.addUserDirectly(new UserResource().setUserName("stray"));
        assertEquals(2, json(get("/Users")).path("totalResults").asInt());
        assertEquals(stray.getId(), json(get("/Users?filter=" + encode("userName eq \"stray\"")))
                .path("Resources").get(0).path("id").asText());

        String before = scim.user(id).orElseThrow().getMeta().getVersion();
        UserResource drifted = scim.updateUserDirectly(id, u -> u.setDisplayName("Drifted")).orElseThrow();
        assertNotEquals(before, drifted.getMeta().getVersion());
        assertEquals("Drifted", json(get("/Users/" + id)).path("displayName").asText());

        assertTrue(scim.deleteUserDirectly(id));
        assertEquals(404, get("/Users/" + id).statusCode());
        assertEquals(List.of("stray"), scim.users().stream().map(UserResource::getUserName).toList());
        assertTrue(scim.userByUserName("STRAY").isPresent());
    }

    @Test
    void concurrentCreatesOfOneUserNameStoreExactlyOne() throws Exception {
        List<Callable<Integer>> creates = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String externalId = "e" + i;
            creates.add(() -> call("POST", "/Users", user("same", externalId), TOKEN, null).statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Integer> f : pool.invokeAll(creates)) {
                statuses.add(f.get());
            }
        }
        assertEquals(1, statuses.stream().filter(s -> s == 201).count());
        assertEquals(15, statuses.stream().filter(s -> s == 409).count());
        assertEquals(1, scim.users().size());
    }

    private Set<String> members(String group) {
        var members = scim.group(group).orElseThrow().getMembers();
        Set<String> ids = new HashSet<>();
        if (members != null) {
            members.forEach(m -> ids.add(m.getValue()));
        }
        return ids;
    }

    private static String user(String userName, String externalId) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + userName + "\""
                + (externalId == null ? "" : ",\"externalId\":\"" + externalId + "\"") + ",\"active\":true}";
    }

    private static String replace(String path, String value) {
        return operation("replace", path, value);
    }

    private static String operation(String op, String path, String value) {
        return "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"" + op
                + "\",\"path\":\"" + path + "\",\"value\":" + value + "}]}";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JsonUtils.getObjectReader().readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return call("GET", path, null, TOKEN, null);
    }

    private HttpResponse<String> call(String method, String path, String body, String token, String ifMatch)
            throws IOException, InterruptedException {
        return http.send(request(method, path, body, token, ifMatch).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String path, String body, String token, String ifMatch) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(scim.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/scim+json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (ifMatch != null) {
            builder.header("If-Match", ifMatch);
        }
        return builder;
    }
}
