package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tenant API end to end, as an administrator's tool would use it. */
class TenantIdentityApiTest {
    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane api;
    static TestDeployment.TenantWithKey acme;

    @BeforeAll
    static void start() throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK, CatalogFeeds.GITHUB);
        deployment = TestDeployment.create("t_identity_api");
        control = deployment.startControlWithCatalog(upstream);
        api = deployment.start(Plane.tenant);
        acme = TestDeployment.createTenant(control, "acme", "eu");
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    static HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        return api.as(acme.key(), method, "/t/acme/v1" + path, body, headers);
    }

    static JsonNode json(HttpResponse<String> res) throws Exception {
        return Json.MAPPER.readTree(res.body());
    }

    static String createUser(String userName) throws Exception {
        var res = call("POST", "/users", "{\"userName\":\"" + userName + "\",\"email\":\"" + userName + "@acme.example\"}");
        assertEquals(201, res.statusCode(), res.body());
        return json(res).get("id").asText();
    }

    static long rows(String sql) throws Exception {
        return Long.parseLong(deployment.queryAsOwner("eu", sql));
    }

    @Test
    void usersLifecycleWithETagsFiltersAndMergePatch() throws Exception {
        var created = call("POST", "/users", "{\"userName\":\"Grace.Hopper\",\"email\":\"grace@acme.example\","
                + "\"givenName\":\"Grace\",\"familyName\":\"Hopper\",\"displayName\":\"Amazing Grace\",\"externalId\":\"E-1\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).get("id").asText();
        assertEquals("/t/acme/v1/users/" + id, created.headers().firstValue("location").orElseThrow());
        assertEquals("\"1\"", created.headers().firstValue("etag").orElseThrow());
        assertEquals("active", json(created).get("status").asText());

        var duplicate = call("POST", "/users", "{\"userName\":\"grace.HOPPER\",\"email\":\"other@acme.example\"}");
        assertEquals(409, duplicate.statusCode(), duplicate.body());
        assertEquals("userName", json(duplicate).get("field").asText());

        assertEquals(id, json(call("GET", "/users?userName=GRACE.hopper", null)).get("items").get(0).get("id").asText());
        assertEquals(1, json(call("GET", "/users?email=Grace@Acme.Example", null)).get("items").size());
        assertEquals(1, json(call("GET", "/users?q=amazing", null)).get("items").size());
        assertEquals(0, json(call("GET", "/users?q=zzz", null)).get("items").size());

        var patched = call("PATCH", "/users/" + id, "{\"familyName\":\"Murray Hopper\",\"externalId\":null}",
                "Content-Type", "application/merge-patch+json", "If-Match", "\"1\"");
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals("Murray Hopper", json(patched).get("familyName").asText());
        assertTrue(json(patched).get("externalId").isNull());
        assertEquals("Grace", json(patched).get("givenName").asText());
        assertEquals("\"2\"", patched.headers().firstValue("etag").orElseThrow());

        var stale = call("PATCH", "/users/" + id, "{\"givenName\":\"G\"}", "If-Match", "\"1\"");
        assertEquals(412, stale.statusCode(), stale.body());
        var requiredRemoved = call("PATCH", "/users/" + id, "{\"email\":null}");
        assertEquals(422, requiredRemoved.statusCode());
        assertEquals("email", json(requiredRemoved).get("field").asText());
        assertEquals("Grace", json(call("GET", "/users/" + id, null)).get("givenName").asText());

        var deactivated = call("POST", "/users/" + id + "/deactivate", null);
        assertEquals("inactive", json(deactivated).get("status").asText());
        assertEquals(1, json(call("GET", "/users?status=inactive", null)).get("items").size());
        assertEquals("active", json(call("POST", "/users/" + id + "/reactivate", null)).get("status").asText());

        assertEquals(204, call("DELETE", "/users/" + id, null).statusCode());
        assertEquals(404, call("GET", "/users/" + id, null).statusCode());
        assertEquals(404, call("DELETE", "/users/" + id, null).statusCode());
        // Every change (create, patch, deactivate, reactivate, delete) is journaled with the acting key as actor.
        String keyId = acme.key().substring(5, 21);
        assertEquals(5, rows("select count(*) from audit_users where user_id = '" + id + "' and audit_actor = 'key:" + keyId + "'"));
    }

    @Test
    void groupsMembershipsApplicationsAndEffectiveUsers() throws Exception {
        String alice = createUser("alice");
        String bob = createUser("bob");
        String carol = createUser("carol");
        var group = call("POST", "/groups", "{\"displayName\":\"Engineering\",\"description\":\"Builders\"}");
        assertEquals(201, group.statusCode(), group.body());
        String groupId = json(group).get("id").asText();
        var renamed = call("PATCH", "/groups/" + groupId, "{\"displayName\":\"Platform Engineering\"}", "If-Match", "\"1\"");
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("Platform Engineering", json(renamed).get("displayName").asText());
        assertEquals(409, call("POST", "/groups", "{\"displayName\":\"platform engineering\"}").statusCode());

        assertEquals(204, call("PUT", "/groups/" + groupId + "/members/" + alice, null).statusCode());
        assertEquals(204, call("PUT", "/groups/" + groupId + "/members/" + alice, null).statusCode()); // idempotent
        assertEquals(204, call("PUT", "/groups/" + groupId + "/members/" + bob, null).statusCode());
        assertEquals(2, json(call("GET", "/groups/" + groupId + "/members", null)).get("items").size());
        assertEquals(groupId, json(call("GET", "/users/" + alice + "/groups", null)).get("items").get(0).get("id").asText());
        assertEquals(404, call("PUT", "/groups/" + groupId + "/members/00000000-0000-0000-0000-000000000001", null).statusCode());

        var catalog = json(call("GET", "/catalog", null));
        assertEquals(2, catalog.get("items").size(), catalog.toString());
        var app = call("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Acme Slack\","
                + "\"redirectUris\":[\"https://acme.slack.com/sso\"],\"scimBaseUrl\":\"https://api.slack.com/scim/v2\"}");
        assertEquals(201, app.statusCode(), app.body());
        String appId = json(app).get("id").asText();
        assertEquals(204, call("PUT", "/apps/" + appId + "/assignments/groups/" + groupId, null).statusCode());
        assertEquals(204, call("PUT", "/apps/" + appId + "/assignments/users/" + carol, null).statusCode());
        assertEquals(204, call("PUT", "/apps/" + appId + "/assignments/users/" + alice, null).statusCode());
        var assignments = json(call("GET", "/apps/" + appId + "/assignments", null));
        assertEquals(2, assignments.get("users").size());
        assertEquals(1, assignments.get("groups").size());
        Set<String> effective = new HashSet<>();
        json(call("GET", "/apps/" + appId + "/users", null)).get("items").forEach(u -> effective.add(u.get("id").asText()));
        assertEquals(Set.of(alice, bob, carol), effective); // alice once, though assigned twice

        assertEquals(204, call("DELETE", "/groups/" + groupId + "/members/" + bob, null).statusCode());
        assertEquals(404, call("DELETE", "/groups/" + groupId + "/members/" + bob, null).statusCode());
        assertEquals(2, json(call("GET", "/apps/" + appId + "/users", null)).get("items").size());
        assertEquals(204, call("DELETE", "/apps/" + appId + "/assignments/users/" + carol, null).statusCode());

        var patchedApp = call("PATCH", "/apps/" + appId, "{\"redirectUris\":[\"https://acme.slack.com/sso2\"],\"scimBaseUrl\":null}",
                "If-Match", "\"1\"");
        assertEquals(200, patchedApp.statusCode(), patchedApp.body());
        assertTrue(json(patchedApp).get("scimBaseUrl").isNull());
        var badUri = call("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"x\",\"redirectUris\":[\"http://evil.example/cb\"]}");
        assertEquals(422, badUri.statusCode());
        assertEquals("redirectUris", json(badUri).get("field").asText());
        var unknownTemplate = call("POST", "/apps", "{\"templateKey\":\"nope\",\"displayName\":\"x\"}");
        assertEquals(422, unknownTemplate.statusCode());
        assertEquals("templateKey", json(unknownTemplate).get("field").asText());

        assertEquals(204, call("DELETE", "/groups/" + groupId, null).statusCode());
        assertEquals(1, json(call("GET", "/apps/" + appId + "/users", null)).get("items").size());
        assertEquals(204, call("DELETE", "/apps/" + appId, null).statusCode());
        assertEquals(404, call("GET", "/apps/" + appId, null).statusCode());
    }

    @Test
    void everyKindOfChangeIsJournaledAndTheChainsVerify() throws Exception {
        String user = createUser("journaled");
        String group = json(call("POST", "/groups", "{\"displayName\":\"Journaled\"}")).get("id").asText();
        call("PUT", "/groups/" + group + "/members/" + user, null);
        String app = json(call("POST", "/apps", "{\"templateKey\":\"github\",\"displayName\":\"J\","
                + "\"redirectUris\":[\"https://j.example/cb\"]}")).get("id").asText();
        call("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
        call("PATCH", "/apps/" + app, "{\"redirectUris\":[\"https://j.example/cb2\",\"https://j.example/cb3\"]}");
        call("DELETE", "/apps/" + app, null);
        for (String journal : List.of("audit_users", "audit_groups", "audit_group_members", "audit_applications",
                "audit_app_group_assignments", "audit_api_keys", "audit_tenants")) {
            assertTrue(rows("select count(*) from " + journal + " where tenant_id = '" + acme.id() + "'") > 0, journal);
        }
        assertEquals(3, rows("select count(*) from audit_applications where app_id = '" + app + "'")); // insert, update, delete
        var verified = deployment.run("verify-audit", "--tenant", acme.id());
        assertEquals(0, verified.exitCode(), verified.output());
    }

    @Test
    void pagesThroughAThousandUsersEachExactlyOnceInStableOrder() throws Exception {
        var tenant = TestDeployment.createTenant(control, "big-co", "us");
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                results.add(pool.submit(() -> api.as(tenant.key(), "POST", "/t/big-co/v1/users",
                        "{\"userName\":\"user" + n + "\",\"email\":\"user" + n + "@big.example\"}").statusCode()));
            }
            for (Future<Integer> r : results) {
                assertEquals(201, r.get());
            }
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var res = api.as(tenant.key(), "GET", "/t/big-co/v1/users?limit=137" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertEquals(200, res.statusCode(), res.body());
            JsonNode page = json(res);
            page.get("items").forEach(u -> seen.add(u.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(1000, seen.size());
        assertEquals(1000, new HashSet<>(seen).size());
        assertEquals(8, pages); // 7 full pages of 137 and one of 41
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort((a, b) -> java.util.UUID.fromString(a).toString().compareTo(java.util.UUID.fromString(b).toString()));
        assertEquals(sorted, seen, "stable id order");
        // acme's own list is not affected by big-co's thousand users
        assertFalse(json(call("GET", "/users?limit=200", null)).get("items").toString().contains("big.example"));
    }

    @Test
    void badInputIsRejectedNamingTheFieldAndChangesNothing() throws Exception {
        String user = createUser("stable-user");
        long usersBefore = rows("select count(*) from users");
        long journalBefore = rows("select count(*) from audit_users");
        record Case(String method, String path, String body, int status, String field) {
        }
        List<Case> cases = List.of(
                new Case("POST", "/users", "{\"userName\":\"x\",\"email\":\"x@y.example\",\"role\":\"god\"}", 422, "role"),
                new Case("POST", "/users", "{\"userName\":7,\"email\":\"x@y.example\"}", 422, "userName"),
                new Case("POST", "/users", "{\"userName\":\"x\",\"email\":\"not-an-email\"}", 422, "email"),
                new Case("POST", "/users", "{\"email\":\"x@y.example\"}", 422, "userName"),
                new Case("POST", "/users", "{\"userName\":\"x\",", 400, null),
                new Case("PATCH", "/users/" + user, "{\"userName\":null}", 422, "userName"),
                new Case("PATCH", "/users/" + user, "{\"nickname\":\"x\"}", 422, "nickname"),
                new Case("GET", "/users/not-a-uuid", null, 400, "userId"),
                new Case("GET", "/users?cursor=garbage", null, 400, "cursor"),
                new Case("GET", "/users?limit=5000", null, 400, "limit"),
                new Case("GET", "/users?status=zombie", null, 400, "status"),
                new Case("POST", "/groups", "{\"displayName\":\"\"}", 422, "displayName"),
                new Case("POST", "/api-keys", "{\"name\":\"k\",\"scopes\":[\"root\"]}", 422, "scopes"),
                new Case("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"x\",\"redirectUris\":\"https://a\"}", 422, "redirectUris"));
        for (Case c : cases) {
            var res = call(c.method(), c.path(), c.body());
            assertEquals(c.status(), res.statusCode(), c + " -> " + res.body());
            assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"), c.toString());
            if (c.field() != null) {
                assertEquals(c.field(), json(res).get("field").asText(), c + " -> " + res.body());
            }
        }
        var wrongMethod = call("PUT", "/users", "{}");
        assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
        assertEquals("GET, POST", wrongMethod.headers().firstValue("allow").orElseThrow());
        var oversize = call("POST", "/users", "{\"userName\":\"" + "x".repeat(70_000) + "\",\"email\":\"a@b.example\"}");
        assertEquals(413, oversize.statusCode());
        var badUtf8 = api.send(HttpRequest.newBuilder(api.uri("/t/acme/v1/users"))
                .header("Authorization", "Bearer " + acme.key()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'u', '"', ':', '"', (byte) 0xFF, '"', '}'}))
                .build());
        assertEquals(400, badUtf8.statusCode(), badUtf8.body());
        var notJson = call("POST", "/users", "userName=x", "Content-Type", "text/plain");
        assertEquals(415, notJson.statusCode());
        assertEquals(usersBefore, rows("select count(*) from users"));
        assertEquals(journalBefore, rows("select count(*) from audit_users"));
    }

    @Test
    void apiKeysHaveScopesAreShownOnceStoredHashedAndRevokeAtOnce() throws Exception {
        var created = call("POST", "/api-keys", "{\"name\":\"reporting\",\"scopes\":[\"users:read\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String key = json(created).get("key").asText();
        String keyId = json(created).get("id").asText();
        assertTrue(key.startsWith("iruk_" + keyId + "_"), key);
        assertTrue(key.length() >= 5 + 16 + 1 + 43, "256-bit secret: " + key);

        assertEquals(200, api.as(key, "GET", "/t/acme/v1/users", null).statusCode());
        var forbidden = api.as(key, "POST", "/t/acme/v1/users", "{\"userName\":\"nope\",\"email\":\"n@acme.example\"}");
        assertEquals(403, forbidden.statusCode());
        assertTrue(forbidden.body().contains("users:write"), forbidden.body());
        assertEquals(403, api.as(key, "GET", "/t/acme/v1/api-keys", null).statusCode());
        // Each route's scope comes from its declaration in the OpenAPI document: every declared scope is enforced.
        for (String[] route : new String[][] {{"GET", "/t/acme/v1/groups"}, {"GET", "/t/acme/v1/apps"},
                {"GET", "/t/acme/v1/catalog"}, {"GET", "/t/acme/v1/events"}, {"DELETE", "/t/acme/v1/users/"
                + java.util.UUID.randomUUID()}}) {
            var refused = api.as(key, route[0], route[1], null);
            assertEquals(403, refused.statusCode(), route[1] + ": " + refused.body());
        }
        // A path no document declares is held to an API key, never public: 401 without one, 404 with one.
        assertEquals(401, api.get("/t/acme/v1/not-a-route").statusCode());
        assertEquals(401, api.get("/t/acme/undeclared").statusCode());
        assertEquals(404, api.as(key, "GET", "/t/acme/v1/not-a-route", null).statusCode());

        var listed = call("GET", "/api-keys", null);
        assertFalse(listed.body().contains(key.substring(22)), "a listing must not show secrets");
        assertTrue(listed.body().contains("\"prefix\":\"iruk_" + keyId + "\""), listed.body());
        assertEquals(0, rows("select count(*) from api_keys where encode(secret_hash, 'escape') like '%"
                + key.substring(22, 30) + "%'"));
        assertEquals(32, rows("select length(secret_hash) from api_keys where key_id = '" + keyId + "'"));

        assertEquals(204, call("DELETE", "/api-keys/" + keyId, null).statusCode());
        assertEquals(401, api.as(key, "GET", "/t/acme/v1/users", null).statusCode());
        assertEquals(404, call("DELETE", "/api-keys/" + keyId, null).statusCode());
        String tampered = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        assertEquals(401, api.as(tampered, "GET", "/t/acme/v1/users", null).statusCode());
    }

    @Test
    void bothPlanesIssueKeysWithCacheControlNoStore() throws Exception {
        var tenantPlane = call("POST", "/api-keys", "{\"name\":\"uncached\",\"scopes\":[\"users:read\"]}");
        assertEquals(201, tenantPlane.statusCode(), tenantPlane.body());
        assertEquals(List.of("no-store"), tenantPlane.headers().allValues("cache-control"));
        var controlPlane = control.admin("POST", "/v1/tenants/" + acme.id() + "/api-keys", "{\"name\":\"uncached\"}");
        assertEquals(201, controlPlane.statusCode(), controlPlane.body());
        assertEquals(List.of("no-store"), controlPlane.headers().allValues("cache-control"));
    }
}
