package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.opentelemetry.api.OpenTelemetry;
import iru.application.identity.TenantTransactions;
import iru.application.signing.SigningKeys;
import iru.application.signing.TokenSigner;
import iru.domain.signing.SigningKey;
import iru.domain.signing.SigningKeyRepository;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.IruConfig;
import iru.foundation.config.TelemetrySettings;
import iru.foundation.crypto.EnvelopeEncryption;
import iru.foundation.crypto.SealedSecret;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.secrets.DevSecretStore;
import iru.foundation.telemetry.Telemetry;
import iru.interfaces.http.Json;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing keys end to end: the control plane creates, lists and activates them; the tenant plane publishes the JWKS
 * and discovery document without credentials; tokens signed by the signer use case verify against the JWKS through a
 * rotation; private keys exist nowhere in either regional database, sealed or not.
 */
class SigningKeysTest {
    static final String BASE = "https://id.example.test";
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane api;
    static TestDeployment.TenantWithKey us;
    static TestDeployment.TenantWithKey eu;
    static RegionalDatabases tenantPools;
    static SigningKeys tenantPlaneKeys;
    static TenantRegionRouter router;
    static EnvelopeEncryption envelope;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_signing_keys");
        control = deployment.start(Plane.control);
        api = deployment.start(Plane.tenant, Map.of("IRU_PUBLIC_BASE_URL", BASE));
        us = TestDeployment.createTenant(control, "keys-us", "us");
        eu = TestDeployment.createTenant(control, "keys-eu", "eu");
        // The signer use case as the tenant plane runs it: its own database role (read-only on signing keys).
        IruConfig config = IruConfig.from(deployment.environment);
        tenantPools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().tenantRuntime(), OpenTelemetry.noop());
        router = new TenantRegionRouter(tenantPools);
        Telemetry telemetry = Telemetry.create(new TelemetrySettings(Optional.empty(), "test", Optional.empty(), 1.0),
                List.of());
        envelope = new EnvelopeEncryption(new DevSecretStore(deployment.environment, Duration.ofHours(1),
                Clock.systemUTC()), SigningKeys.KEK_SECRET, new SecureRandom());
        tenantPlaneKeys = new SigningKeys(new TenantTransactions(router, telemetry), router, new TenantDirectory(),
                new SigningKeyRepository(), envelope, Duration.ofDays(1),
                // No caching here: this "tenant plane" has no listener; CredentialCachesTest covers the cached signer.
                new iru.application.tenant.CredentialChanges(Duration.ZERO), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        tenantPools.close();
        deployment.close();
    }

    static TenantLocation location(TestDeployment.TenantWithKey tenant) {
        return router.inDirectoryTransaction(c -> new TenantDirectory().findById(c, new TenantId(UUID.fromString(
                tenant.id())))).orElseThrow();
    }

    static HttpResponse<String> anonymous(String path) throws Exception {
        return api.send(HttpRequest.newBuilder(api.uri(path)).GET().build());
    }

    static JWKSet jwks(TestDeployment.TenantWithKey tenant) throws Exception {
        HttpResponse<String> res = anonymous("/t/" + tenant.slug() + "/.well-known/jwks.json");
        assertEquals(200, res.statusCode(), res.body());
        return JWKSet.parse(res.body());
    }

    static Set<String> kids(JWKSet set) {
        Set<String> kids = new HashSet<>();
        set.getKeys().forEach(k -> kids.add(k.getKeyID()));
        return kids;
    }

    /**
     * The kids the tenant plane publishes once they are `done`, or after 2 s what it publishes then. Key changes
     * are made on the control plane; the tenant plane drops its cached JWKS when their notification arrives, a few
     * milliseconds after the control plane answered.
     */
    static Set<String> publishedOnceNotified(TestDeployment.TenantWithKey tenant,
            java.util.function.Predicate<Set<String>> done) throws Exception {
        long deadline = System.nanoTime() + 2_000_000_000L;
        Set<String> seen = kids(jwks(tenant));
        while (!done.test(seen) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = kids(jwks(tenant));
        }
        return seen;
    }

    static JsonNode keysOf(TestDeployment.TenantWithKey tenant) throws Exception {
        var res = control.admin("GET", "/v1/tenants/" + tenant.id() + "/signing-keys", null);
        assertEquals(200, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("items");
    }

    /** What a relying party does: find the token's kid in the tenant's published JWKS and verify the signature. */
    static boolean verifiesThroughJwks(TestDeployment.TenantWithKey tenant, SignedJWT token) throws Exception {
        var key = jwks(tenant).getKeyByKeyId(token.getHeader().getKeyID());
        return key != null && token.verify(new ECDSAVerifier(((ECKey) key).toECPublicKey()));
    }

    static SignedJWT sign(TestDeployment.TenantWithKey tenant) {
        return tenantPlaneKeys.signer(location(tenant)).sign(new JWTClaimsSet.Builder()
                .issuer(BASE + "/t/" + tenant.slug()).subject("user-1").audience("client-1")
                .expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
    }

    @Test
    void discoveryAndJwksAnswerInBothRegionsWithoutCredentials() throws Exception {
        for (var tenant : List.of(us, eu)) {
            var res = anonymous("/t/" + tenant.slug() + "/.well-known/openid-configuration");
            assertEquals(200, res.statusCode(), res.body());
            JsonNode doc = Json.MAPPER.readTree(res.body());
            String issuer = BASE + "/t/" + tenant.slug();
            assertEquals(issuer, doc.get("issuer").asText());
            assertEquals(issuer + "/.well-known/jwks.json", doc.get("jwks_uri").asText());
            assertEquals(issuer + "/token", doc.get("token_endpoint").asText());
            assertEquals(issuer + "/authorize", doc.get("authorization_endpoint").asText());
            assertEquals("[\"ES256\"]", doc.get("id_token_signing_alg_values_supported").toString());
            assertEquals("[\"S256\"]", doc.get("code_challenge_methods_supported").toString());

            var keys = anonymous("/t/" + tenant.slug() + "/.well-known/jwks.json");
            assertEquals(200, keys.statusCode(), keys.body());
            assertTrue(keys.headers().firstValue("Cache-Control").orElse("").startsWith("public, max-age="));
            JWKSet set = JWKSet.parse(keys.body());
            assertEquals(1, set.getKeys().size(), "a new tenant has exactly its first, active key");
            assertFalse(set.getKeys().getFirst().isPrivate());
            assertFalse(keys.body().contains("\"d\""), keys.body());
            assertTrue(verifiesThroughJwks(tenant, sign(tenant)));
        }
    }

    @Test
    void rotationNeverBreaksATokenThatIsStillValid() throws Exception {
        SignedJWT before = sign(us);
        String oldKid = before.getHeader().getKeyID();
        assertTrue(verifiesThroughJwks(us, before));
        Set<String> published = kids(jwks(us)); // other tests may have added next keys meanwhile

        var created = control.admin("POST", "/v1/tenants/" + us.id() + "/signing-keys", null);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode next = Json.MAPPER.readTree(created.body());
        String newKid = next.get("kid").asText();
        assertEquals("next", next.get("status").asText());
        assertFalse(next.get("publicJwk").has("d"));
        published.add(newKid);
        assertEquals(published, publishedOnceNotified(us, published::equals), "next is published before it signs");
        assertEquals(oldKid, tenantPlaneKeys.signer(location(us)).kid(), "next does not sign");

        var activated = control.admin("POST", "/v1/tenants/" + us.id() + "/signing-keys/" + newKid + "/activate", null);
        assertEquals(200, activated.statusCode(), activated.body());
        assertEquals("active", Json.MAPPER.readTree(activated.body()).get("status").asText());
        for (JsonNode key : keysOf(us)) {
            if (key.get("kid").asText().equals(oldKid)) {
                assertEquals("retiring", key.get("status").asText());
                assertNotNull(key.get("retireAfter").textValue());
            }
        }
        assertEquals(published, kids(jwks(us)), "the replaced key stays published for the grace");
        assertTrue(verifiesThroughJwks(us, before), "a token signed before the rotation still verifies");
        SignedJWT after = sign(us);
        assertEquals(newKid, after.getHeader().getKeyID());
        assertTrue(verifiesThroughJwks(us, after));
        // Activating the active key again changes nothing.
        assertEquals(200, control.admin("POST", "/v1/tenants/" + us.id() + "/signing-keys/" + newKid + "/activate",
                null).statusCode());
        assertEquals(published, kids(jwks(us)));
    }

    @Test
    void aRetiredKeyLeavesTheJwksAndCannotSignAgain() throws Exception {
        var tenant = TestDeployment.createTenant(control, "keys-retire", "eu");
        var shortGrace = deployment.start(Plane.control, Map.of("IRU_SIGNING_KEY_RETIRE_GRACE_SECONDS", "1"));
        SignedJWT old = sign(tenant);
        String oldKid = old.getHeader().getKeyID();
        String newKid = Json.MAPPER.readTree(shortGrace.admin("POST", "/v1/tenants/" + tenant.id() + "/signing-keys",
                null).body()).get("kid").asText();
        assertEquals(200, shortGrace.admin("POST", "/v1/tenants/" + tenant.id() + "/signing-keys/" + newKid
                + "/activate", null).statusCode());
        // Read while the replaced key is retiring, so the tenant plane keeps this set: it must not outlive the grace.
        assertEquals(Set.of(oldKid, newKid), publishedOnceNotified(tenant, Set.of(oldKid, newKid)::equals),
                "the retiring key stays published for the grace");
        Thread.sleep(1_200);
        assertEquals(Set.of(newKid), kids(jwks(tenant)), "after the grace only the active key is published");
        assertFalse(verifiesThroughJwks(tenant, old));
        for (JsonNode key : keysOf(tenant)) {
            assertEquals(key.get("kid").asText().equals(oldKid) ? "retired" : "active", key.get("status").asText());
        }
        var refused = control.admin("POST", "/v1/tenants/" + tenant.id() + "/signing-keys/" + oldKid + "/activate",
                null);
        assertEquals(409, refused.statusCode(), refused.body());
        assertEquals("https://iru.dev/problems/signing-key-retired",
                Json.MAPPER.readTree(refused.body()).get("type").asText());
        assertEquals(newKid, tenantPlaneKeys.signer(location(tenant)).kid(), "nothing changed");
        assertEquals(Set.of(newKid), kids(jwks(tenant)));
    }

    @Test
    void oneTenantsJwksNeverShowsAnothersKeysAndItsKidsAreNotFoundUnderAnotherTenant() throws Exception {
        String euKid = Json.MAPPER.readTree(control.admin("POST", "/v1/tenants/" + eu.id() + "/signing-keys", null)
                .body()).get("kid").asText();
        Set<String> euKids = publishedOnceNotified(eu, kids -> kids.contains(euKid));
        Set<String> usKids = kids(jwks(us));
        assertTrue(euKids.contains(euKid));
        assertTrue(usKids.stream().noneMatch(euKids::contains), usKids + " / " + euKids);
        keysOf(us).forEach(k -> assertFalse(euKids.contains(k.get("kid").asText())));

        var crossed = control.admin("POST", "/v1/tenants/" + us.id() + "/signing-keys/" + euKid + "/activate", null);
        assertEquals(404, crossed.statusCode(), crossed.body());
        assertEquals("https://iru.dev/problems/not-found", Json.MAPPER.readTree(crossed.body()).get("type").asText());
        assertFalse(kids(jwks(us)).contains(euKid), "nothing changed");
        assertEquals(404, control.admin("POST", "/v1/tenants/" + us.id() + "/signing-keys/not-a-kid/activate", null)
                .statusCode());
        String nobody = UUID.randomUUID().toString();
        for (var res : List.of(control.admin("GET", "/v1/tenants/" + nobody + "/signing-keys", null),
                control.admin("POST", "/v1/tenants/" + nobody + "/signing-keys", null),
                control.admin("POST", "/v1/tenants/" + nobody + "/signing-keys/" + euKid + "/activate", null))) {
            assertEquals(404, res.statusCode(), res.body());
            assertEquals("https://iru.dev/problems/tenant-not-found",
                    Json.MAPPER.readTree(res.body()).get("type").asText());
        }
        assertEquals(401, control.as("wrong", "GET", "/v1/tenants/" + eu.id() + "/signing-keys", null).statusCode());
    }

    @Test
    void onlyTheTwoWellKnownPathsArePublic() throws Exception {
        String t = "/t/" + us.slug();
        assertEquals(401, anonymous(t + "/v1/users").statusCode());
        assertEquals(401, anonymous(t + "/v1/tenant").statusCode());
        for (String path : List.of(t + "/.well-known/jwks.json/../../v1/users", t + "/.well-known/../v1/users",
                t + "/.well-known/jwks.jsonx", t + "/.well-known/", t + "/.well-known/jwks.json/")) {
            HttpResponse<String> res = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + api.runtime().port() + path)).GET().build());
            assertNotEquals(200, res.statusCode(), path + ": " + res.body());
            assertFalse(res.body().contains("\"items\""), path + ": " + res.body());
        }
        assertEquals(404, anonymous("/t/no-such-tenant/.well-known/jwks.json").statusCode());
    }

    @Test
    void theTenantPlanesRoleCanReadButNotWriteSigningKeys() throws Exception {
        var role = IruConfig.from(deployment.environment).database().tenantRuntime();
        try (Connection c = DriverManager.getConnection(deployment.databases.url("us"), role.user(), role.password());
             Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("select set_config('iru.tenant_id', '" + us.id() + "', true)");
            try (ResultSet rs = s.executeQuery("select count(*) from signing_keys")) {
                rs.next();
                assertTrue(rs.getInt(1) >= 1);
            }
            for (String sql : List.of("update signing_keys set status = 'retired'", "delete from signing_keys",
                    "insert into signing_keys select * from signing_keys")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
                c.rollback();
                s.execute("select set_config('iru.tenant_id', '" + us.id() + "', true)");
            }
        }
    }

    @Test
    void noPrivateKeyIsInAnyTableOrJournalOfEitherRegion() throws Exception {
        control.admin("POST", "/v1/tenants/" + us.id() + "/signing-keys", null);
        control.admin("POST", "/v1/tenants/" + eu.id() + "/signing-keys", null);
        List<String> needles = new ArrayList<>();
        int keys = 0;
        for (String region : List.of("us", "eu")) {
            try (Connection c = deployment.databases.connectAsOwner(region); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select tenant_id, kid, kek_id, data_key_nonce, data_key_wrapped,"
                         + " private_key_nonce, private_key_sealed from signing_keys")) {
                while (rs.next()) {
                    SealedSecret sealed = new SealedSecret(rs.getString("kek_id"), rs.getBytes("data_key_nonce"),
                            rs.getBytes("data_key_wrapped"), rs.getBytes("private_key_nonce"),
                            rs.getBytes("private_key_sealed"));
                    byte[] pkcs8 = envelope.open(sealed, SigningKey.sealingContext(
                            new TenantId(UUID.fromString(rs.getString("tenant_id"))), rs.getString("kid")));
                    ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                    byte[] d = unsigned32(key.getS());
                    needles.add(HexFormat.of().formatHex(d));
                    needles.add(Base64.getUrlEncoder().withoutPadding().encodeToString(d));
                    needles.add(Base64.getEncoder().encodeToString(d));
                    needles.add(HexFormat.of().formatHex(pkcs8));
                    keys++;
                }
            }
        }
        assertTrue(keys >= 4, "keys of both regions were opened: " + keys);
        int rowsSearched = 0;
        for (String region : List.of("us", "eu")) {
            try (Connection c = deployment.databases.connectAsOwner(region); Statement s = c.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("select table_name from information_schema.tables"
                        + " where table_schema = 'public' and table_type = 'BASE TABLE'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                assertTrue(tables.contains("audit_signing_keys"), tables.toString());
                for (String table : tables) {
                    try (ResultSet rs = s.executeQuery("select t::text from public.\"" + table + "\" t")) {
                        while (rs.next()) {
                            String row = rs.getString(1).toLowerCase();
                            rowsSearched++;
                            for (String needle : needles) {
                                boolean caseSensitive = !needle.matches("[0-9a-f]+");
                                String haystack = caseSensitive ? rs.getString(1) : row;
                                assertFalse(haystack.contains(needle), "private key material in " + region + "."
                                        + table);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(rowsSearched > 20, "searched " + rowsSearched + " rows");
    }

    @Test
    void bothPlanesRefuseToStartWithoutAKeyEncryptionKey() {
        for (Plane plane : Plane.values()) {
            var missing = assertThrows(iru.foundation.secrets.SecretUnavailableException.class,
                    () -> deployment.start(plane, Map.of("IRU_DEV_SIGNING_KEK", "")));
            assertTrue(missing.getMessage().contains("IRU_DEV_SIGNING_KEK"), missing.getMessage());
            var weak = assertThrows(iru.foundation.secrets.SecretUnavailableException.class,
                    () -> deployment.start(plane, Map.of("IRU_DEV_SIGNING_KEK", "c2hvcnQ=")));
            assertTrue(weak.getMessage().contains("32 bytes"), weak.getMessage());
            assertFalse(weak.getMessage().contains("c2hvcnQ="), "the value is never shown");
        }
    }

    @Test
    void everyKeyChangeIsJournaledAndTheChainsVerify() throws Exception {
        var tenant = TestDeployment.createTenant(control, "keys-audit", "eu");
        String kid = Json.MAPPER.readTree(control.admin("POST", "/v1/tenants/" + tenant.id() + "/signing-keys", null)
                .body()).get("kid").asText();
        control.admin("POST", "/v1/tenants/" + tenant.id() + "/signing-keys/" + kid + "/activate", null);
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select string_agg(audit_op || ':' || status, ',' order by audit_seq)"
                     + " from audit_signing_keys where tenant_id = '" + tenant.id() + "'")) {
            rs.next();
            assertEquals("INSERT:active,INSERT:next,UPDATE:retiring,UPDATE:active", rs.getString(1));
        }
        var verified = deployment.run("verify-audit", "--tenant", tenant.id());
        assertEquals(0, verified.exitCode(), verified.output());
    }

    /** The private scalar as the 32 big-endian bytes a JWK's `d` encodes. */
    static byte[] unsigned32(BigInteger s) {
        byte[] raw = s.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    @Test
    void responsesMatchTheOpenApiDocuments() throws Exception {
        JsonNode controlDoc = Json.MAPPER.readTree(iru.interfaces.openapi.OpenApiService.load(
                iru.interfaces.openapi.OpenApiService.CONTROL_DOCUMENT));
        JsonNode tenantDoc = Json.MAPPER.readTree(iru.interfaces.openapi.OpenApiService.load(
                iru.interfaces.openapi.OpenApiService.TENANT_DOCUMENT));
        var tenant = TestDeployment.createTenant(control, "keys-schema", "us");
        String base = "/v1/tenants/" + tenant.id() + "/signing-keys";
        String kid = OpenApiResponsesTest.conforms(controlDoc, "POST", control.admin("POST", base, null))
                .get("kid").asText();
        OpenApiResponsesTest.conforms(controlDoc, "GET", control.admin("GET", base, null));
        OpenApiResponsesTest.conforms(controlDoc, "POST", control.admin("POST", base + "/" + kid + "/activate", null));
        OpenApiResponsesTest.conforms(controlDoc, "POST", control.admin("POST", base + "/nope/activate", null));
        OpenApiResponsesTest.conforms(controlDoc, "GET", control.admin("GET", "/v1/tenants/not-a-uuid/signing-keys",
                null));
        OpenApiResponsesTest.conforms(tenantDoc, "GET", anonymous("/t/" + tenant.slug() + "/.well-known/jwks.json"));
        OpenApiResponsesTest.conforms(tenantDoc, "GET", anonymous("/t/" + tenant.slug()
                + "/.well-known/openid-configuration"));
        OpenApiResponsesTest.conforms(tenantDoc, "GET", anonymous("/t/nobody-here/.well-known/jwks.json"));
    }

    @Test
    void theSignerPutsTheActiveKidInTheHeaderAndSignsEs256() {
        TokenSigner signer = tenantPlaneKeys.signer(location(eu));
        SignedJWT jwt = sign(eu);
        assertEquals(signer.kid(), jwt.getHeader().getKeyID());
        assertEquals("ES256", jwt.getHeader().getAlgorithm().getName());
        assertEquals("TokenSigner[kid=" + signer.kid() + "]", signer.toString(), "never the key");
    }
}
