package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Passkey enrollment, sign-in, sessions and the account page, attacked from a browser's side with a software key. */
class PasskeySignInTest {
    static TestDeployment deployment;
    static TestDeployment.Plane tenantPlane;
    static TestDeployment.TenantWithKey acme;
    static TestDeployment.TenantWithKey other;
    static String origin;
    static final byte UP_UV = SoftwareAuthenticator.UP | SoftwareAuthenticator.UV;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_passkeys");
        TestDeployment.Plane control = deployment.start(Plane.control);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        origin = "http://localhost:" + port;
        tenantPlane = deployment.start(Plane.tenant, Map.of("IRU_HTTP_PORT", Integer.toString(port),
                "IRU_WEBAUTHN_ORIGINS", origin, "IRU_PUBLIC_BASE_URL", origin));
        acme = TestDeployment.createTenant(control, "pk-acme", "eu");
        other = TestDeployment.createTenant(control, "pk-other", "eu");
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    /** A browser: keeps the cookies the plane sets and sends them back. */
    static final class Browser {
        final Map<String, String> cookies = new HashMap<>();
        final Map<String, String> setCookieLines = new HashMap<>();

        HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(tenantPlane.uri(path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (!cookies.isEmpty()) {
                request.header("Cookie", String.join("; ", cookies.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            HttpResponse<String> res = tenantPlane.send(request.build());
            for (String line : res.headers().allValues("set-cookie")) {
                String pair = line.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                setCookieLines.put(name, line);
                if (value.isEmpty()) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return res;
        }

        JsonNode json(String path, Object body, int expected) throws Exception {
            HttpResponse<String> res = send("POST", path, "application/json", Json.MAPPER.writeValueAsString(body));
            assertEquals(expected, res.statusCode(), path + ": " + res.body());
            return Json.MAPPER.readTree(res.body());
        }

        HttpResponse<String> form(String path, String body) throws Exception {
            return send("POST", path, "application/x-www-form-urlencoded", body);
        }
    }

    static String createUser(TestDeployment.TenantWithKey tenant, String name) throws Exception {
        var res = tenantPlane.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/users",
                "{\"userName\":\"" + name + "\",\"email\":\"" + name + "@example.com\"}");
        assertEquals(201, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("id").asText();
    }

    static String enrollmentToken(TestDeployment.TenantWithKey tenant, String userId) throws Exception {
        var res = tenantPlane.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/users/" + userId + "/enrollments",
                null);
        assertEquals(201, res.statusCode(), res.body());
        assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(""));
        String url = Json.MAPPER.readTree(res.body()).get("url").asText();
        assertTrue(url.startsWith(origin + "/t/" + tenant.slug() + "/enroll#"), url);
        return url.substring(url.indexOf('#') + 1);
    }

    /** Enrolls a new software passkey for `userId` through the public ceremony. */
    static SoftwareAuthenticator enroll(TestDeployment.TenantWithKey tenant, String userId) throws Exception {
        String token = enrollmentToken(tenant, userId);
        Browser browser = new Browser();
        assertEquals(200, browser.send("GET", "/t/" + tenant.slug() + "/enroll", null, null).statusCode());
        return register(browser, tenant, token, origin, 201);
    }

    /** Asks for creation options with `token` and answers them with a new key from `from`. */
    static SoftwareAuthenticator register(Browser browser, TestDeployment.TenantWithKey tenant, String token,
            String from, int expected) throws Exception {
        JsonNode options = browser.json("/t/" + tenant.slug() + "/webauthn/registration/options",
                Map.of("enrollmentToken", token), 200);
        SoftwareAuthenticator key = new SoftwareAuthenticator();
        browser.json("/t/" + tenant.slug() + "/webauthn/registration", Map.of("enrollmentToken", token, "name",
                "Laptop", "credential", key.register(options.get("challenge").asText(), from, "localhost", UP_UV,
                        options.get("user").get("id").asText())), expected);
        return key;
    }

    static String challenge(Browser browser, TestDeployment.TenantWithKey tenant) throws Exception {
        return browser.json("/t/" + tenant.slug() + "/webauthn/authentication/options", Map.of(), 200)
                .get("challenge").asText();
    }

    static JsonNode signIn(Browser browser, TestDeployment.TenantWithKey tenant, SoftwareAuthenticator key,
            int expected) throws Exception {
        key.counter++;
        String challenge = challenge(browser, tenant);
        return browser.json("/t/" + tenant.slug() + "/webauthn/authentication",
                Map.of("credential", key.assertion(challenge, origin, "localhost", UP_UV)), expected);
    }

    static List<String> eventKinds(TestDeployment.TenantWithKey tenant, String subject) throws Exception {
        var res = tenantPlane.as(tenant.key(), "GET", "/t/" + tenant.slug() + "/v1/events?limit=200&subject=" + subject,
                null);
        List<String> kinds = new java.util.ArrayList<>();
        Json.MAPPER.readTree(res.body()).get("items").forEach(e -> kinds.add(e.get("kind").asText()));
        return kinds;
    }

    static int sessionsOf(String userId) throws Exception {
        return Integer.parseInt(deployment.queryAsOwner("eu", "select count(*) from sessions where user_id = '"
                + userId + "'"));
    }

    @Test
    void enrollmentThenSignInGivesAHardenedSessionCookieAndTheAccountPage() throws Exception {
        String user = createUser(acme, "ada");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser browser = new Browser();
        assertEquals(200, browser.send("GET", "/t/" + acme.slug() + "/signin", null, null).statusCode());
        key.counter = 0;
        String challenge = challenge(browser, acme);
        key.counter = 1;
        JsonNode done = browser.json("/t/" + acme.slug() + "/webauthn/authentication", Map.of("returnTo",
                "/t/" + acme.slug() + "/authorize?client_id=x", "credential", key.assertion(challenge, origin,
                        "localhost", UP_UV)), 200);
        assertEquals("/t/" + acme.slug() + "/authorize?client_id=x", done.get("redirect").asText());
        String line = browser.setCookieLines.get("__Host-iru_session");
        assertTrue(line.contains("HttpOnly") && line.contains("Secure") && line.contains("SameSite=Lax")
                && line.contains("Path=/"), line);
        assertEquals(43, browser.cookies.get("__Host-iru_session").length());
        var account = browser.send("GET", "/t/" + acme.slug() + "/account", null, null);
        assertEquals(200, account.statusCode());
        assertTrue(account.body().contains("Laptop") && account.body().contains("ada"), account.body());
        assertTrue(account.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertTrue(eventKinds(acme, user).containsAll(List.of("enrollment.created", "enrollment.used",
                "passkey.added", "signin.succeeded")), eventKinds(acme, user).toString());
        // Admin API sees the passkey with its counter-side facts.
        var listed = Json.MAPPER.readTree(tenantPlane.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/users/" + user
                + "/passkeys", null).body()).get("items");
        assertEquals(1, listed.size());
        assertEquals(key.id(), listed.get(0).get("id").asText());
        assertFalse(listed.get(0).get("lastUsedAt").isNull());
    }

    @Test
    void anEnrollmentLinkWorksOnceAndNotAfterItExpires() throws Exception {
        String user = createUser(acme, "grace");
        String token = enrollmentToken(acme, user);
        Browser browser = new Browser();
        register(browser, acme, token, origin, 201);
        JsonNode again = browser.json("/t/" + acme.slug() + "/webauthn/registration/options",
                Map.of("enrollmentToken", token), 400);
        assertEquals("https://iru.dev/problems/passkey-ceremony-failed", again.get("type").asText());

        String expiring = enrollmentToken(acme, user);
        try (Connection c = deployment.databases.connectAsOwner("eu")) {
            c.createStatement().execute("update passkey_enrollments set expires_at = now() - interval '1 second'"
                    + " where token_hash = sha256(convert_to('" + expiring + "', 'UTF8'))");
        }
        JsonNode expired = browser.json("/t/" + acme.slug() + "/webauthn/registration/options",
                Map.of("enrollmentToken", expiring), 400);
        assertEquals(again.get("detail"), expired.get("detail"), "one generic answer for every refusal");
        // A user of another tenant, or no user: 404; a deactivated user: 409.
        assertEquals(404, tenantPlane.as(other.key(), "POST", "/t/" + other.slug() + "/v1/users/" + user
                + "/enrollments", null).statusCode());
        assertEquals(200, tenantPlane.as(acme.key(), "POST", "/t/" + acme.slug() + "/v1/users/" + user
                + "/deactivate", null).statusCode());
        assertEquals(409, tenantPlane.as(acme.key(), "POST", "/t/" + acme.slug() + "/v1/users/" + user
                + "/enrollments", null).statusCode());
    }

    @Test
    void aChallengeIsAnsweredOnceAndOnlyByTheBrowserThatAskedForIt() throws Exception {
        String user = createUser(acme, "linus");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser owner = new Browser();
        Browser thief = new Browser();
        String challenge = challenge(owner, acme);
        challenge(thief, acme); // the thief has a pre-session of its own
        key.counter = 5;
        Map<String, Object> assertion = key.assertion(challenge, origin, "localhost", UP_UV);
        thief.json("/t/" + acme.slug() + "/webauthn/authentication", Map.of("credential", assertion), 400);
        assertFalse(thief.cookies.containsKey("__Host-iru_session"));
        assertEquals(0, sessionsOf(user));
        // The owner's challenge was not used up by the thief's attempt.
        owner.json("/t/" + acme.slug() + "/webauthn/authentication", Map.of("credential", assertion), 200);
        assertEquals(1, sessionsOf(user));
        // Replay: the same challenge again (a fresh counter, so only the challenge is wrong).
        key.counter = 6;
        owner.json("/t/" + acme.slug() + "/webauthn/authentication", Map.of("credential",
                key.assertion(challenge, origin, "localhost", UP_UV)), 400);
        assertEquals(1, sessionsOf(user));
        assertTrue(eventKinds(acme, user).contains("signin.succeeded"));
    }

    @Test
    void wrongOriginWrongRpIdOrNoUserVerificationIsRefused() throws Exception {
        String user = createUser(acme, "barbara");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser browser = new Browser();
        key.counter = 10;
        for (Object[] attack : new Object[][] {{"http://evil.example:1234", "localhost", UP_UV},
                {origin.replace("localhost", "127.0.0.1"), "localhost", UP_UV},
                {origin, "evil.example", UP_UV}, {origin, "localhost", SoftwareAuthenticator.UP}}) {
            String challenge = challenge(browser, acme);
            browser.json("/t/" + acme.slug() + "/webauthn/authentication", Map.of("credential",
                    key.assertion(challenge, (String) attack[0], (String) attack[1], (Byte) attack[2])), 400);
        }
        assertEquals(0, sessionsOf(user));
        // The same key, counter and browser with every field right: signed in, so each refusal was its one wrong field.
        String challenge = challenge(browser, acme);
        browser.json("/t/" + acme.slug() + "/webauthn/authentication", Map.of("credential",
                key.assertion(challenge, origin, "localhost", UP_UV)), 200);
        assertEquals(1, sessionsOf(user));
        // Registration from a wrong origin is refused too, and leaves the link usable.
        register(browser, acme, enrollmentToken(acme, user), "http://evil.example", 400);
        assertEquals("1", deployment.queryAsOwner("eu", "select count(*) from passkeys where user_id = '" + user + "'"));
    }

    @Test
    void aSignCounterThatGoesBackIsRefusedAndRecorded() throws Exception {
        String user = createUser(acme, "edsger");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser browser = new Browser();
        key.counter = 41;
        signIn(browser, acme, key, 200); // counter 42
        key.counter = 41;
        signIn(browser, acme, key, 400); // 42 again: a clone
        assertEquals(1, sessionsOf(user));
        List<String> kinds = eventKinds(acme, user);
        assertTrue(kinds.contains("passkey.counter-regression") && kinds.contains("signin.failed"), kinds.toString());
        assertEquals("42", deployment.queryAsOwner("eu", "select sign_count from passkey_counters where credential_id"
                + " = decode('" + HexFormat.of().formatHex(key.credentialId) + "', 'hex')"));
    }

    @Test
    void aDeactivatedUserCannotSignInAndTheirSessionsStopWorking() throws Exception {
        String user = createUser(acme, "alan");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser browser = new Browser();
        signIn(browser, acme, key, 200);
        assertEquals(200, browser.send("GET", "/t/" + acme.slug() + "/account", null, null).statusCode());
        assertEquals(200, tenantPlane.as(acme.key(), "POST", "/t/" + acme.slug() + "/v1/users/" + user
                + "/deactivate", null).statusCode());
        assertEquals(303, browser.send("GET", "/t/" + acme.slug() + "/account", null, null).statusCode());
        signIn(new Browser(), acme, key, 400);
    }

    @Test
    void aCredentialOfOneTenantDoesNotSignInToAnother() throws Exception {
        String user = createUser(acme, "margaret");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser browser = new Browser();
        signIn(browser, other, key, 400);
        assertFalse(browser.cookies.containsKey("__Host-iru_session"));
        // And a session of one tenant is not one of another.
        signIn(browser, acme, key, 200);
        assertEquals(303, browser.send("GET", "/t/" + other.slug() + "/account", null, null).statusCode());
    }

    @Test
    void sessionsEndWhenIdleOrPastTheirAbsoluteLifetime() throws Exception {
        String user = createUser(acme, "donald");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser browser = new Browser();
        signIn(browser, acme, key, 200);
        String expiresAt = deployment.queryAsOwner("eu", "select expires_at - created_at from sessions where user_id = '"
                + user + "'");
        assertEquals("00:30:00", expiresAt);
        try (Connection c = deployment.databases.connectAsOwner("eu")) {
            c.createStatement().execute("update sessions set expires_at = now() - interval '1 second',"
                    + " last_seen_at = now() - interval '31 minutes' where user_id = '" + user + "'");
        }
        assertEquals(303, browser.send("GET", "/t/" + acme.slug() + "/account", null, null).statusCode());

        signIn(browser, acme, key, 200);
        try (Connection c = deployment.databases.connectAsOwner("eu")) {
            c.createStatement().execute("update sessions set absolute_expires_at = now() + interval '1 second',"
                    + " expires_at = now() + interval '1 second' where user_id = '" + user + "'");
        }
        // Use keeps pushing the idle deadline, but never past the absolute one.
        assertEquals(200, browser.send("GET", "/t/" + acme.slug() + "/account", null, null).statusCode());
        Thread.sleep(1_200);
        assertEquals(303, browser.send("GET", "/t/" + acme.slug() + "/account", null, null).statusCode());
    }

    @Test
    void formsWithoutTheSessionsTokenChangeNothingAndSignOutAndRevocationEndSessions() throws Exception {
        String user = createUser(acme, "barbara2");
        SoftwareAuthenticator key = enroll(acme, user);
        Browser browser = new Browser();
        signIn(browser, acme, key, 200);
        String page = browser.send("GET", "/t/" + acme.slug() + "/account", null, null).body();
        String csrf = page.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
        String base = "/t/" + acme.slug() + "/account/passkeys/" + key.id();
        assertEquals(403, browser.form(base + "/delete", "").statusCode());
        assertEquals(403, browser.form(base + "/delete", "csrf=" + "A".repeat(43)).statusCode());
        Browser other = new Browser();
        signIn(other, acme, key, 200);
        assertEquals(403, other.form(base + "/delete", "csrf=" + csrf).statusCode(), "another session's token");
        assertEquals(403, browser.form("/t/" + acme.slug() + "/signout", "csrf=").statusCode());
        assertEquals("1", deployment.queryAsOwner("eu", "select count(*) from passkeys where user_id = '" + user + "'"));
        assertEquals(2, sessionsOf(user));

        assertEquals(303, browser.form(base + "/rename", "csrf=" + csrf + "&name=Phone").statusCode());
        assertEquals("Phone", deployment.queryAsOwner("eu", "select name from passkeys where user_id = '" + user + "'"));
        assertEquals(303, browser.form("/t/" + acme.slug() + "/signout", "csrf=" + csrf).statusCode());
        assertEquals(303, browser.send("GET", "/t/" + acme.slug() + "/account", null, null).statusCode());
        assertEquals(1, sessionsOf(user));
        assertEquals(204, tenantPlane.as(acme.key(), "DELETE", "/t/" + acme.slug() + "/v1/users/" + user + "/sessions",
                null).statusCode());
        assertEquals(303, other.send("GET", "/t/" + acme.slug() + "/account", null, null).statusCode());
        assertEquals(0, sessionsOf(user));
        // The administrator removes the passkey: it signs in no more.
        assertEquals(404, tenantPlane.as(other_().key(), "DELETE", "/t/" + other_().slug() + "/v1/users/" + user
                + "/passkeys/" + key.id(), null).statusCode());
        assertEquals(204, tenantPlane.as(acme.key(), "DELETE", "/t/" + acme.slug() + "/v1/users/" + user
                + "/passkeys/" + key.id(), null).statusCode());
        signIn(new Browser(), acme, key, 400);
        assertTrue(eventKinds(acme, user).containsAll(List.of("passkey.renamed", "signout", "sessions.revoked",
                "passkey.revoked")), eventKinds(acme, user).toString());
    }

    private static TestDeployment.TenantWithKey other_() {
        return other;
    }

    @Test
    void noSessionIdOrEnrollmentTokenIsStoredInAnyTableOrJournal() throws Exception {
        String user = createUser(acme, "frances");
        String token = enrollmentToken(acme, user);
        Browser browser = new Browser();
        SoftwareAuthenticator key = register(browser, acme, token, origin, 201);
        String pendingToken = enrollmentToken(acme, user); // one still stored (hashed)
        signIn(browser, acme, key, 200);
        String session = browser.cookies.get("__Host-iru_session");
        String presession = browser.cookies.get("__Host-iru_presession");
        List<String> secrets = List.of(session, token, pendingToken);
        try (Connection c = deployment.databases.connectAsOwner("eu");
             ResultSet tables = c.createStatement().executeQuery("select tablename from pg_tables"
                     + " where schemaname = 'public'")) {
            List<String> names = new java.util.ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String table : names) {
                try (ResultSet rows = c.createStatement().executeQuery("select t::text from \"" + table + "\" t")) {
                    while (rows.next()) {
                        String row = rows.getString(1);
                        for (String secret : secrets) {
                            byte[] raw = java.util.Base64.getUrlDecoder().decode(secret);
                            assertFalse(row.contains(secret) || row.contains(HexFormat.of().formatHex(raw))
                                    || row.contains(HexFormat.of().formatHex(secret.getBytes())), table + " holds a secret");
                        }
                        if (presession != null) {
                            assertFalse(row.contains(presession), table);
                        }
                    }
                }
            }
            assertTrue(names.contains("audit_passkeys") && !names.contains("audit_sessions"), names.toString());
        }
    }
}
