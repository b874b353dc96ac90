package iru.launcher;

import static iru.launcher.PasskeySignInTest.createUser;
import static iru.launcher.PasskeySignInTest.enrollmentToken;
import static iru.launcher.PasskeySignInTest.sessionsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import iru.launcher.PasskeySignInTest.Browser;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant WebAuthn relying parties (issue 8): set by the operator on the control plane, validated as a browser
 * would, used by every ceremony of that tenant and no other's.
 */
class TenantRelyingPartyTest {
    static final byte UP_UV = SoftwareAuthenticator.UP | SoftwareAuthenticator.UV;
    static final String A_RP = "a.example.com";
    static final String A_ORIGIN = "https://login.a.example.com";

    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane tenantPlane;
    static String localOrigin;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_webauthn_rp");
        control = deployment.start(Plane.control);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        localOrigin = "http://localhost:" + port;
        // Refusals are the point here: keep the failed-authentication limits out of the way.
        tenantPlane = deployment.start(Plane.tenant, Map.of("IRU_HTTP_PORT", Integer.toString(port),
                "IRU_WEBAUTHN_ORIGINS", localOrigin, "IRU_PUBLIC_BASE_URL", localOrigin,
                "IRU_AUTH_FAILURES_PER_SOURCE", "10000", "IRU_AUTH_FAILURES_PER_TENANT", "10000"));
        // The passkey test's browser and helpers, pointed at this deployment (as OidcCodeFlowTest does).
        PasskeySignInTest.deployment = deployment;
        PasskeySignInTest.tenantPlane = tenantPlane;
        PasskeySignInTest.origin = localOrigin;
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    @Test
    void aTenantsOwnRelyingPartyIsUsedByItsCeremoniesFromTheNextRequestOn() throws Exception {
        var a = TestDeployment.createTenant(control, "rp-own", "eu");
        JsonNode before = webauthn(a, "GET", null, 200);
        assertEquals("localhost", before.get("rpId").asText());
        assertEquals("deployment", before.get("source").asText());

        JsonNode set = webauthn(a, "PUT", aRelyingParty(), 200);
        assertEquals(A_RP, set.get("rpId").asText());
        assertEquals("tenant", set.get("source").asText());
        assertEquals(List.of(A_ORIGIN, "https://a.example.com"), strings(set.get("origins")));
        assertEquals(set, webauthn(a, "GET", null, 200));

        String user = createUser(a, "ann");
        Browser browser = new Browser();
        JsonNode options = browser.json("/t/" + a.slug() + "/webauthn/registration/options",
                Map.of("enrollmentToken", enrollmentToken(a, user)), 200);
        assertEquals(A_RP, options.get("rp").get("id").asText());
        SoftwareAuthenticator key = register(browser, a, options, A_ORIGIN, A_RP, 201);
        assertEquals(A_RP, browser.json("/t/" + a.slug() + "/webauthn/authentication/options", Map.of(), 200)
                .get("rpId").asText());
        signIn(browser, a, key, A_ORIGIN, A_RP, 200);
        signIn(browser, a, key, "https://a.example.com", A_RP, 200); // the second origin
        // The deployment's relying party no longer speaks for this tenant.
        signIn(browser, a, key, localOrigin, "localhost", 400);
        signIn(browser, a, key, localOrigin, A_RP, 400);
        // Enrolling from the deployment's origin is refused as well.
        JsonNode local = browser.json("/t/" + a.slug() + "/webauthn/registration/options",
                Map.of("enrollmentToken", enrollmentToken(a, user)), 200);
        register(browser, a, local, localOrigin, "localhost", 400);

        assertEquals("1", deployment.queryAsOwner("eu", "select count(*) from security_events where tenant_id = '"
                + a.id() + "' and kind = 'webauthn.relying-party-changed' and detail ->> 'rpId' = '" + A_RP + "'"));
        assertEquals("1", deployment.queryAsOwner("eu", "select count(*) from audit_tenants where tenant_id = '"
                + a.id() + "' and webauthn_rp_id = '" + A_RP + "' and audit_actor = 'control:admin'"));
        webauthn(a, "PUT", aRelyingParty(), 200); // the same again: nothing to record
        assertEquals("1", deployment.queryAsOwner("eu", "select count(*) from audit_tenants where tenant_id = '"
                + a.id() + "' and webauthn_rp_id is not null"));

        // Back to the deployment's: localhost ceremonies work again, the tenant's own are refused.
        JsonNode reset = webauthn(a, "DELETE", null, 200);
        assertEquals("deployment", reset.get("source").asText());
        SoftwareAuthenticator localKey = enroll(a, user, localOrigin, "localhost");
        signIn(browser, a, localKey, localOrigin, "localhost", 200);
        signIn(browser, a, key, A_ORIGIN, A_RP, 400);
    }

    @Test
    void anAssertionForTenantAsRelyingPartyIsRefusedByTenantB() throws Exception {
        var a = TestDeployment.createTenant(control, "rp-alpha", "eu");
        var b = TestDeployment.createTenant(control, "rp-bravo", "eu");
        webauthn(a, "PUT", aRelyingParty(), 200);
        // B's own relying party is another registrable domain: neither tenant may speak for the other.
        webauthn(b, "PUT", Map.of("rpId", "b.example.org", "origins", List.of("https://b.example.org")), 200);
        String aUser = createUser(a, "alice");
        String bUser = createUser(b, "bob");
        SoftwareAuthenticator aKey = enroll(a, aUser, A_ORIGIN, A_RP);
        SoftwareAuthenticator bKey = enroll(b, bUser, "https://b.example.org", "b.example.org");
        Browser browser = new Browser();

        // B's own passkey, in an assertion made for A's rpId and origin: refused by B.
        signIn(browser, b, bKey, A_ORIGIN, A_RP, 400);
        // A's rpId with B's origin, and B's rpId with A's origin: refused too.
        signIn(browser, b, bKey, "https://b.example.org", A_RP, 400);
        signIn(browser, b, bKey, A_ORIGIN, "b.example.org", 400);
        // A's passkey and assertion, exactly as A accepts them, sent to B: refused.
        signIn(browser, b, aKey, A_ORIGIN, A_RP, 400);
        // Enrolling in B from A's origin for A's rpId: refused.
        JsonNode options = browser.json("/t/" + b.slug() + "/webauthn/registration/options",
                Map.of("enrollmentToken", enrollmentToken(b, bUser)), 200);
        register(browser, b, options, A_ORIGIN, A_RP, 400);
        assertEquals(0, sessionsOf(bUser));
        assertEquals("1", deployment.queryAsOwner("eu", "select count(*) from passkeys where user_id = '" + bUser
                + "'"));

        // Each refusal was about the relying party: the same keys with their own tenant's values sign in.
        signIn(browser, b, bKey, "https://b.example.org", "b.example.org", 200);
        signIn(browser, a, aKey, A_ORIGIN, A_RP, 200);
        assertEquals(1, sessionsOf(bUser));
    }

    @Test
    void invalidSettingsAreRefusedAndChangeNothing() throws Exception {
        var a = TestDeployment.createTenant(control, "rp-strict", "eu");
        webauthn(a, "PUT", aRelyingParty(), 200);
        JsonNode stored = webauthn(a, "GET", null, 200);
        String journal = "select count(*) from audit_tenants where tenant_id = '" + a.id() + "'";
        String events = "select count(*) from security_events where tenant_id = '" + a.id() + "'";
        String journaled = deployment.queryAsOwner("eu", journal);
        String recorded = deployment.queryAsOwner("eu", events);

        List<String> tooMany = IntStream.range(0, 21).mapToObj(i -> "https://s" + i + ".a.example.com").toList();
        List<Object[]> attacks = new ArrayList<>();
        for (String rpId : List.of("com", "co.uk", "github.io", "127.0.0.1", "A.example.com", "", "a..example.com",
                "-a.example.com", "a.example.com.", "*.example.com")) {
            attacks.add(new Object[] {Map.of("rpId", rpId, "origins", List.of(A_ORIGIN)), "rpId"});
        }
        for (List<String> origins : List.of(List.<String>of(), List.of("http://login.a.example.com"),
                List.of("https://evil.example.net"), List.of("https://xa.example.com"),
                List.of("https://login.a.example.com/path"), List.of("https://login.a.example.com/"),
                List.of("https://login.a.example.com?x=1"), List.of("https://login.a.example.com#x"),
                List.of("https://user@login.a.example.com"), List.of("https://LOGIN.a.example.com"),
                List.of("https://login.a.example.com:99999"), List.of("ftp://login.a.example.com"),
                List.of(A_ORIGIN, A_ORIGIN), List.of("http://localhost:8080"), tooMany)) {
            attacks.add(new Object[] {Map.of("rpId", A_RP, "origins", origins), "origins"});
        }
        attacks.add(new Object[] {Map.of("origins", List.of(A_ORIGIN)), "rpId"});
        attacks.add(new Object[] {Map.of("rpId", A_RP), "origins"});
        attacks.add(new Object[] {Map.of("rpId", A_RP, "origins", A_ORIGIN), "origins"});
        attacks.add(new Object[] {Map.of("rpId", 7, "origins", List.of(A_ORIGIN)), "rpId"});
        attacks.add(new Object[] {Map.of("rpId", A_RP, "origins", List.of(A_ORIGIN), "extra", true), "extra"});
        for (Object[] attack : attacks) {
            JsonNode problem = webauthn(a, "PUT", attack[0], 422);
            assertEquals("https://iru.dev/problems/invalid-request", problem.get("type").asText(), attack[0] + "");
            assertEquals(attack[1], problem.get("field").asText(), attack[0] + ": " + problem);
        }
        assertEquals(400, control.admin("PUT", "/v1/tenants/" + a.id() + "/webauthn", "{not json").statusCode());
        assertEquals(400, control.admin("PUT", "/v1/tenants/not-a-uuid/webauthn",
                Json.MAPPER.writeValueAsString(aRelyingParty())).statusCode());
        assertEquals(404, control.admin("PUT", "/v1/tenants/" + java.util.UUID.randomUUID() + "/webauthn",
                Json.MAPPER.writeValueAsString(aRelyingParty())).statusCode());
        assertEquals(401, control.as("wrong-token", "PUT", "/v1/tenants/" + a.id() + "/webauthn",
                Json.MAPPER.writeValueAsString(Map.of("rpId", "evil.example.net",
                        "origins", List.of("https://evil.example.net")))).statusCode());

        assertEquals(stored, webauthn(a, "GET", null, 200));
        assertEquals(journaled, deployment.queryAsOwner("eu", journal));
        assertEquals(recorded, deployment.queryAsOwner("eu", events));

        // What the rules allow: a parent domain of the origin, a port, localhost over http.
        webauthn(a, "PUT", Map.of("rpId", "example.com", "origins", List.of("https://a.example.com:8443")), 200);
        webauthn(a, "PUT", Map.of("rpId", "localhost", "origins", List.of("http://localhost:8080")), 200);
        webauthn(a, "PUT", Map.of("rpId", "acme.github.io", "origins", List.of("https://acme.github.io")), 200);
    }

    private static Map<String, Object> aRelyingParty() {
        return Map.of("rpId", A_RP, "origins", List.of(A_ORIGIN, "https://a.example.com"));
    }

    private static JsonNode webauthn(TestDeployment.TenantWithKey tenant, String method, Object body, int expected)
            throws Exception {
        HttpResponse<String> res = control.admin(method, "/v1/tenants/" + tenant.id() + "/webauthn",
                body == null ? null : Json.MAPPER.writeValueAsString(body));
        assertEquals(expected, res.statusCode(), method + " " + body + ": " + res.body());
        return Json.MAPPER.readTree(res.body());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static SoftwareAuthenticator enroll(TestDeployment.TenantWithKey tenant, String userId, String origin,
            String rpId) throws Exception {
        Browser browser = new Browser();
        JsonNode options = browser.json("/t/" + tenant.slug() + "/webauthn/registration/options",
                Map.of("enrollmentToken", enrollmentToken(tenant, userId)), 200);
        assertEquals(rpId, options.get("rp").get("id").asText());
        return register(browser, tenant, options, origin, rpId, 201);
    }

    /** Answers creation `options` with a new software key, as a browser at `origin` would for `rpId`. */
    private static SoftwareAuthenticator register(Browser browser, TestDeployment.TenantWithKey tenant,
            JsonNode options, String origin, String rpId, int expected) throws Exception {
        SoftwareAuthenticator key = new SoftwareAuthenticator();
        browser.json("/t/" + tenant.slug() + "/webauthn/registration", Map.of("name", "Laptop", "credential",
                key.register(options.get("challenge").asText(), origin, rpId, UP_UV,
                        options.get("user").get("id").asText())), expected);
        return key;
    }

    private static void signIn(Browser browser, TestDeployment.TenantWithKey tenant, SoftwareAuthenticator key,
            String origin, String rpId, int expected) throws Exception {
        key.counter++;
        String challenge = browser.json("/t/" + tenant.slug() + "/webauthn/authentication/options", Map.of(), 200)
                .get("challenge").asText();
        browser.json("/t/" + tenant.slug() + "/webauthn/authentication", Map.of("credential",
                key.assertion(challenge, origin, rpId, UP_UV)), expected);
    }
}
