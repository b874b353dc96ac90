package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import iru.application.tenant.CredentialChanges;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tenant plane remembers verified client secrets, API keys and the decrypted active signer, and forgets them the
 * moment they change: on the instance that made the change at once, on every other instance (two tenant planes on
 * the same databases here, and the control plane for signing keys) as soon as PostgreSQL delivers the notification,
 * well inside the caches' 30 s lifetime. A wrong secret is never answered from memory, and memory never holds a
 * plaintext secret.
 */
class CredentialCachesTest {
    /** Well under {@link PlaneWiring#CREDENTIAL_CACHE_TTL}: only the notification can be this fast. */
    static final Duration NOTIFICATION = Duration.ofSeconds(3);

    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane one;
    static TestDeployment.Plane two;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(NOTIFICATION.multipliedBy(5).compareTo(PlaneWiring.CREDENTIAL_CACHE_TTL) < 0);
        upstream = LoopbackCatalog.start("catalog-secret");
        upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK));
        deployment = TestDeployment.create("t_credential_caches");
        control = deployment.start(Plane.control, Map.of("IRU_CATALOG_URL", upstream.url().toString(),
                "IRU_DEV_CATALOG_TOKEN", "catalog-secret"));
        one = deployment.start(Plane.tenant);
        two = deployment.start(Plane.tenant);
        assertEquals(200, control.admin("POST", "/v1/catalog/sync", null).statusCode());
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    record Client(TestDeployment.TenantWithKey tenant, String id) {
    }

    static Client newClient(String slug) throws Exception {
        var tenant = TestDeployment.createTenant(control, slug, "eu");
        var app = one.as(tenant.key(), "POST", "/t/" + slug + "/v1/apps",
                "{\"templateKey\":\"slack\",\"displayName\":\"Slack\"}");
        assertEquals(201, app.statusCode(), app.body());
        return new Client(tenant, Json.MAPPER.readTree(app.body()).get("id").asText());
    }

    static String rotate(TestDeployment.Plane plane, Client client) throws Exception {
        var res = plane.as(client.tenant().key(), "POST", "/t/" + client.tenant().slug() + "/v1/apps/" + client.id()
                + "/client-secret", null);
        assertEquals(200, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("clientSecret").asText();
    }

    static HttpResponse<String> token(TestDeployment.Plane plane, Client client, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client.id() + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        return plane.send(HttpRequest.newBuilder(plane.uri("/t/" + client.tenant().slug() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
    }

    static String kid(HttpResponse<String> tokenResponse) throws Exception {
        assertEquals(200, tokenResponse.statusCode(), tokenResponse.body());
        return SignedJWT.parse(Json.MAPPER.readTree(tokenResponse.body()).get("access_token").asText()).getHeader()
                .getKeyID();
    }

    interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** Repeats `request` every 20 ms until its response satisfies `until`, for at most {@link #NOTIFICATION}. */
    static HttpResponse<String> awaitNotified(Predicate<HttpResponse<String>> until, Request request)
            throws Exception {
        long deadline = System.nanoTime() + NOTIFICATION.toNanos();
        HttpResponse<String> res = request.send();
        while (!until.test(res) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            res = request.send();
        }
        return res;
    }

    static Predicate<HttpResponse<String>> status(IntPredicate code) {
        return res -> code.test(res.statusCode());
    }

    static CredentialChanges caches(TestDeployment.Plane plane) {
        return plane.runtime().workers().stream().filter(PlaneWiring.CredentialCaches.class::isInstance)
                .map(w -> ((PlaneWiring.CredentialCaches) w).changes()).findFirst().orElseThrow();
    }

    /** Every cached key and value of the plane, as text (records print all their components). */
    static List<String> cachedText(TestDeployment.Plane plane) {
        return caches(plane).snapshot().stream().flatMap(m -> m.entrySet().stream())
                .map(e -> e.getKey() + " -> " + e.getValue()).toList();
    }

    static boolean cachesMention(TestDeployment.Plane plane, String text) {
        return cachedText(plane).stream().anyMatch(line -> line.contains(text));
    }

    /** Both tenant planes issue tokens to the client, and have its verified secret cached afterwards. */
    static void cachedOnBoth(Client client, String secret) throws Exception {
        for (var plane : List.of(one, two)) {
            assertEquals(200, token(plane, client, secret).statusCode());
            assertEquals(200, token(plane, client, secret).statusCode()); // the second one from memory
            assertTrue(cachesMention(plane, client.id()), "the verified client is cached: " + cachedText(plane));
        }
    }

    @Test
    void aRotatedSecretIsRefusedAtOnceHereAndOnTheOtherInstanceAsSoonAsNotified() throws Exception {
        Client client = newClient("cache-rotate");
        String old = rotate(one, client);
        cachedOnBoth(client, old);

        String fresh = rotate(one, client);

        var here = token(one, client, old); // the very next request on the rotating instance
        assertEquals(401, here.statusCode(), here.body());
        assertEquals("invalid_client", Json.MAPPER.readTree(here.body()).get("error").asText());
        long started = System.nanoTime();
        var there = awaitNotified(status(s -> s == 401), () -> token(two, client, old));
        assertEquals(401, there.statusCode(), there.body());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(NOTIFICATION) < 0);
        // Once refused, it stays refused: nothing puts the old secret back.
        for (int i = 0; i < 5; i++) {
            assertEquals(401, token(two, client, old).statusCode());
            assertEquals(401, token(one, client, old).statusCode());
        }
        assertEquals(200, token(one, client, fresh).statusCode());
        assertEquals(200, token(two, client, fresh).statusCode());
    }

    @Test
    void aWrongSecretForACachedClientIsRefusedAndTheCacheHoldsNoPlaintextSecret() throws Exception {
        Client client = newClient("cache-wrong");
        String secret = rotate(one, client);
        assertEquals(200, token(one, client, secret).statusCode());
        assertEquals(200, token(one, client, secret).statusCode());

        // Same client id, other secrets: a near miss, a prefix, the empty secret and the secret's own hash.
        String hash = java.util.HexFormat.of().formatHex(iru.foundation.crypto.Digests.sha256(secret));
        for (String wrong : List.of(secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A"),
                secret.substring(0, 20), "", hash)) {
            var res = token(one, client, wrong);
            assertEquals(401, res.statusCode(), "secret " + wrong + ": " + res.body());
        }
        // The right pair in another tenant is no client there.
        Client other = newClient("cache-wrong-other");
        assertEquals(401, token(one, new Client(other.tenant(), client.id()), secret).statusCode());

        // An API key used on this plane is cached too; neither it nor the client secret is in memory as text.
        assertEquals(200, one.as(client.tenant().key(), "GET", "/t/cache-wrong/v1/tenant", null).statusCode());
        List<String> cached = cachedText(one);
        assertTrue(cached.stream().anyMatch(line -> line.contains(client.id())), cached.toString());
        String apiKeySecret = client.tenant().key().substring("iruk_".length() + 17); // after the id and its "_"
        for (String plaintext : List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8),
                Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)), client.tenant().key(),
                apiKeySecret)) {
            assertTrue(cached.stream().noneMatch(line -> line.contains(plaintext)), "cache holds " + plaintext);
        }
    }

    @Test
    void aDeletedApplicationsClientIsRefusedEverywhere() throws Exception {
        Client client = newClient("cache-delete");
        String secret = rotate(one, client);
        cachedOnBoth(client, secret);

        var deleted = two.as(client.tenant().key(), "DELETE", "/t/cache-delete/v1/apps/" + client.id(), null);
        assertEquals(204, deleted.statusCode(), deleted.body());

        assertEquals(401, token(two, client, secret).statusCode());
        var there = awaitNotified(status(s -> s == 401), () -> token(one, client, secret));
        assertEquals(401, there.statusCode(), there.body());
        assertFalse(cachesMention(one, client.id()), cachedText(one).toString());
        assertFalse(cachesMention(two, client.id()), cachedText(two).toString());
    }

    @Test
    void aSuspendedTenantIsRefusedAndItsCachedCredentialsAreDropped() throws Exception {
        Client client = newClient("cache-suspend");
        String secret = rotate(one, client);
        cachedOnBoth(client, secret);

        var suspended = control.admin("POST", "/v1/tenants/" + client.tenant().id() + "/suspend",
                "{\"reason\":\"cache test\"}");
        assertEquals(200, suspended.statusCode(), suspended.body());

        for (var plane : List.of(one, two)) {
            var refused = awaitNotified(status(s -> s == 403), () -> token(plane, client, secret));
            assertEquals(403, refused.statusCode(), refused.body());
            assertFalse(refused.body().contains("access_token"));
            assertFalse(cachesMention(plane, client.tenant().id()), cachedText(plane).toString());
        }
        assertEquals(200, control.admin("POST", "/v1/tenants/" + client.tenant().id() + "/resume",
                "{\"reason\":\"done\"}").statusCode());
        var back = awaitNotified(status(s -> s == 200), () -> token(two, client, secret));
        assertEquals(200, back.statusCode(), back.body());
    }

    @Test
    void aKeyActivatedThroughTheControlPlaneSignsTheNextTokenOnEveryInstance() throws Exception {
        Client client = newClient("cache-keys");
        String secret = rotate(one, client);
        String first = kid(token(one, client, secret));
        assertEquals(first, kid(token(two, client, secret)));

        var created = control.admin("POST", "/v1/tenants/" + client.tenant().id() + "/signing-keys", null);
        assertEquals(201, created.statusCode(), created.body());
        String next = Json.MAPPER.readTree(created.body()).get("kid").asText();
        assertEquals(first, kid(token(one, client, secret)), "a next key does not sign");

        var activated = control.admin("POST", "/v1/tenants/" + client.tenant().id() + "/signing-keys/" + next
                + "/activate", null);
        assertEquals(200, activated.statusCode(), activated.body());

        for (var plane : List.of(one, two)) {
            var res = awaitNotified(r -> {
                try {
                    return next.equals(kid(r));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> token(plane, client, secret));
            assertEquals(next, kid(res));
            for (int i = 0; i < 3; i++) {
                assertEquals(next, kid(token(plane, client, secret)), "the old signer does not come back");
            }
        }
    }

    static List<String> publishedKids(TestDeployment.Plane plane, String slug) throws Exception {
        var res = plane.send(HttpRequest.newBuilder(plane.uri("/t/" + slug + "/.well-known/jwks.json")).GET().build());
        assertEquals(200, res.statusCode(), res.body());
        List<String> kids = new java.util.ArrayList<>();
        Json.MAPPER.readTree(res.body()).get("keys").forEach(k -> kids.add(k.get("kid").asText()));
        return kids;
    }

    @Test
    void aKeyCreatedThroughTheControlPlaneIsPublishedAtOnceOnEveryInstance() throws Exception {
        var tenant = TestDeployment.createTenant(control, "cache-jwks", "eu");
        List<String> before = publishedKids(one, "cache-jwks");
        assertEquals(1, before.size(), before.toString());
        for (var plane : List.of(one, two)) {
            assertEquals(before, publishedKids(plane, "cache-jwks"));
            assertEquals(before, publishedKids(plane, "cache-jwks")); // the second one from memory
            assertTrue(cachesMention(plane, before.getFirst()), "the JWKS is cached: " + cachedText(plane));
        }

        var created = control.admin("POST", "/v1/tenants/" + tenant.id() + "/signing-keys", null);
        assertEquals(201, created.statusCode(), created.body());
        String next = Json.MAPPER.readTree(created.body()).get("kid").asText();
        for (var plane : List.of(one, two)) {
            long started = System.nanoTime();
            List<String> kids = awaitPublished(plane, next);
            assertTrue(kids.contains(next) && kids.containsAll(before), "next key published: " + kids);
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(NOTIFICATION) < 0);
        }

        var activated = control.admin("POST", "/v1/tenants/" + tenant.id() + "/signing-keys/" + next + "/activate",
                null);
        assertEquals(200, activated.statusCode(), activated.body());
        for (var plane : List.of(one, two)) { // the replaced key stays published while it retires
            assertEquals(java.util.Set.of(before.getFirst(), next),
                    java.util.Set.copyOf(publishedKids(plane, "cache-jwks")));
        }
    }

    static List<String> awaitPublished(TestDeployment.Plane plane, String kid) throws Exception {
        long deadline = System.nanoTime() + NOTIFICATION.toNanos();
        List<String> kids = publishedKids(plane, "cache-jwks");
        while (!kids.contains(kid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            kids = publishedKids(plane, "cache-jwks");
        }
        return kids;
    }

    @Test
    void aRevokedApiKeyIsRefusedAtOnceHereAndOnTheOtherInstanceAsSoonAsNotified() throws Exception {
        var tenant = TestDeployment.createTenant(control, "cache-apikey", "eu");
        var issued = control.admin("POST", "/v1/tenants/" + tenant.id() + "/api-keys", "{}");
        assertEquals(201, issued.statusCode(), issued.body());
        String doomed = Json.MAPPER.readTree(issued.body()).get("key").asText();
        String path = "/t/cache-apikey/v1/tenant";
        for (var plane : List.of(one, two)) {
            assertEquals(200, plane.as(doomed, "GET", path, null).statusCode());
            assertEquals(200, plane.as(doomed, "GET", path, null).statusCode());
        }

        var revoked = one.as(tenant.key(), "DELETE", "/t/cache-apikey/v1/api-keys/" + doomed.substring(5, 21), null);
        assertEquals(204, revoked.statusCode(), revoked.body());

        assertEquals(401, one.as(doomed, "GET", path, null).statusCode());
        var there = awaitNotified(status(s -> s == 401), () -> two.as(doomed, "GET", path, null));
        assertEquals(401, there.statusCode(), there.body());
        assertEquals(200, two.as(tenant.key(), "GET", path, null).statusCode(), "the other key still works");
    }
}
