package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.IruConfig;
import iru.interfaces.http.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators' requests signed with HTTP Message Signatures (RFC 9421) on the control plane: a valid one is accepted
 * and journaled as the operator; each attack is refused with 401 and its reason, and creates nothing.
 */
class OperatorSignedRequestsTest {
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static KeyPair alice;
    static KeyPair bob;

    @BeforeAll
    static void start() throws Exception {
        alice = OperatorSigner.newKey();
        bob = OperatorSigner.newKey();
        deployment = TestDeployment.create("t_operator_signatures");
        control = deployment.start(Plane.control, Map.of("IRU_DEV_OPERATOR_KEYS",
                "{\"ops-alice\":\"" + OperatorSigner.publicKeyBase64(alice) + "\",\"ops-bob\":\"-----BEGIN PUBLIC KEY-----\\n"
                        + OperatorSigner.publicKeyBase64(bob) + "\\n-----END PUBLIC KEY-----\"}"));
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static OperatorSigner alice() {
        return new OperatorSigner(alice.getPrivate(), "ops-alice");
    }

    /** Alice's signer with one knob turned. */
    static OperatorSigner alice(java.util.function.Consumer<OperatorSigner> tweak) {
        OperatorSigner signer = alice();
        tweak.accept(signer);
        return signer;
    }

    static String tenant(String slug) {
        return "{\"slug\":\"" + slug + "\",\"name\":\"" + slug + "\",\"region\":\"eu\"}";
    }

    static long count(String kind, String sql) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind);
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long tenantsWithSlug(String slug) throws Exception {
        return count("directory", "select count(*) from tenant_directory where slug = '" + slug + "'");
    }

    static void assertRefused(HttpResponse<String> res, String reason) throws Exception {
        assertEquals(401, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
        JsonNode problem = Json.MAPPER.readTree(res.body());
        assertEquals("https://iru.dev/problems/invalid-signature", problem.get("type").asText(), res.body());
        assertEquals(reason, problem.get("reason").asText(), res.body());
        assertTrue(res.headers().firstValue("accept-signature").orElse("").contains("\"content-digest\""));
        assertTrue(res.headers().firstValue("www-authenticate").isPresent());
    }

    /** Sends a creation of `slug` as `signer` signs it and asserts the refusal and that nothing was created. */
    static void assertCreationRefused(OperatorSigner signer, String slug, String reason) throws Exception {
        var res = control.send(signer.request("POST", control.uri("/v1/tenants"), tenant(slug)));
        assertRefused(res, reason);
        assertEquals(0, tenantsWithSlug(slug));
    }

    @Test
    void signedCreationSucceedsAndIsJournaledAsTheOperator() throws Exception {
        var res = control.send(alice().request("POST", control.uri("/v1/tenants"), tenant("signed-co")));
        assertEquals(201, res.statusCode(), res.body());
        String id = Json.MAPPER.readTree(res.body()).get("id").asText();
        assertEquals(1, count("eu", "select count(*) from audit_tenants where tenant_id = '" + id
                + "' and audit_actor = 'control:operator:ops-alice'"));
        assertEquals(0, count("eu", "select count(*) from audit_tenants where tenant_id = '" + id
                + "' and audit_actor <> 'control:operator:ops-alice'"));
        var list = control.send(new OperatorSigner(bob.getPrivate(), "ops-bob").request("GET",
                control.uri("/v1/tenants"), ""));
        assertEquals(200, list.statusCode(), list.body());
    }

    @Test
    void replayedRequestIsRefused() throws Exception {
        HttpRequest request = alice().request("POST", control.uri("/v1/tenants"), tenant("replay-once"));
        assertEquals(201, control.send(request).statusCode());
        assertRefused(control.send(request), "replayed-nonce");
        assertEquals(1, tenantsWithSlug("replay-once"));
    }

    @Test
    void aNonceUsedOnOneInstanceIsRefusedByAnother() throws Exception {
        TestDeployment.Plane other = deployment.start(Plane.control, Map.of("IRU_DEV_OPERATOR_KEYS",
                "{\"ops-alice\":\"" + OperatorSigner.publicKeyBase64(alice) + "\"}"));
        OperatorSigner signer = alice();
        assertEquals(201, control.send(signer.request("POST", control.uri("/v1/tenants"), tenant("nonce-a")))
                .statusCode());
        // Signed anew for the other instance's URI (the signature covers @target-uri), with the same nonce.
        var res = other.send(signer.request("POST", other.uri("/v1/tenants"), tenant("nonce-b")));
        assertRefused(res, "replayed-nonce");
        assertEquals(0, tenantsWithSlug("nonce-b"));
    }

    @Test
    void tamperedBodyIsRefusedAsDigestMismatch() throws Exception {
        OperatorSigner signer = alice();
        String signed = tenant("tamper-orig");
        var res = control.send(signer.request("POST", control.uri("/v1/tenants"), signed, tenant("tamper-evil"),
                OperatorSigner.contentDigest(signed)));
        assertRefused(res, "content-digest-mismatch");
        assertEquals(0, tenantsWithSlug("tamper-evil"));
        assertEquals(0, tenantsWithSlug("tamper-orig"));
    }

    @Test
    void digestRewrittenForATamperedBodyBreaksTheSignature() throws Exception {
        String evil = tenant("redigest-evil");
        var res = control.send(alice().request("POST", control.uri("/v1/tenants"), tenant("redigest-orig"), evil,
                OperatorSigner.contentDigest(evil)));
        assertRefused(res, "bad-signature");
        assertEquals(0, tenantsWithSlug("redigest-evil"));
    }

    @Test
    void unregisteredKeysAndAnotherOperatorsKeyIdAreRefused() throws Exception {
        KeyPair mallory = OperatorSigner.newKey();
        assertCreationRefused(new OperatorSigner(mallory.getPrivate(), "ops-mallory"), "mallory-co", "unknown-key");
        assertCreationRefused(new OperatorSigner(mallory.getPrivate(), "ops-alice"), "mallory-as-alice",
                "bad-signature");
        assertCreationRefused(new OperatorSigner(bob.getPrivate(), "ops-alice"), "bob-as-alice", "bad-signature");
    }

    @Test
    void oldFutureAndExpiredSignaturesAreRefused() throws Exception {
        assertCreationRefused(alice(s -> s.created = Instant.now().minusSeconds(120).getEpochSecond()), "too-old-co",
                "expired");
        assertCreationRefused(alice(s -> s.created = Instant.now().plusSeconds(120).getEpochSecond()), "future-co",
                "not-yet-valid");
        assertCreationRefused(alice(s -> s.expires = Instant.now().minusSeconds(1).getEpochSecond()), "expired-co",
                "expired");
    }

    @Test
    void signaturesLackingARequiredComponentOrParameterAreRefused() throws Exception {
        assertCreationRefused(alice(s -> s.components = List.of("@method", "@target-uri", "content-type")),
                "no-digest-co", "missing-component");
        assertCreationRefused(alice(s -> s.components = List.of("@method", "@path", "content-digest")),
                "no-target-co", "missing-component");
        assertCreationRefused(alice(s -> s.nonce = null), "no-nonce-co", "missing-parameter");
        assertCreationRefused(alice(s -> s.keyId = null), "no-keyid-co", "missing-parameter");
    }

    @Test
    void unsupportedOrMissingAlgorithmIsRefused() throws Exception {
        assertCreationRefused(alice(s -> s.alg = "rsa-pss-sha512"), "rsa-co", "unsupported-algorithm");
        assertCreationRefused(alice(s -> s.alg = null), "no-alg-co", "unsupported-algorithm");
    }

    @Test
    void aFailedSignatureIsNotRescuedByAValidBearerToken() throws Exception {
        String signed = tenant("bearer-orig");
        HttpRequest tampered = alice().request("POST", control.uri("/v1/tenants"), signed, tenant("bearer-evil"),
                OperatorSigner.contentDigest(signed));
        HttpRequest withBearer = HttpRequest.newBuilder(tampered, (name, value) -> true)
                .header("Authorization", "Bearer " + TestDeployment.ADMIN_TOKEN).build();
        assertRefused(control.send(withBearer), "content-digest-mismatch");
        assertEquals(0, tenantsWithSlug("bearer-evil"));
    }

    @Test
    void expiredNoncesAreDeletedAsNewOnesAreRecorded() throws Exception {
        try (Connection c = deployment.databases.connectAsOwner("directory")) {
            c.createStatement().execute("insert into operator_request_nonces (key_id, nonce, expires_at)"
                    + " values ('ops-alice', 'long-gone', now() - interval '1 hour')");
        }
        OperatorSigner signer = alice();
        assertEquals(200, control.send(signer.request("GET", control.uri("/v1/tenants"), "")).statusCode());
        assertEquals(0, count("directory", "select count(*) from operator_request_nonces where nonce = 'long-gone'"));
        assertEquals(1, count("directory", "select count(*) from operator_request_nonces where nonce = '"
                + signer.nonce + "' and expires_at > now()"));
    }

    @Test
    void onlyTheControlRoleMayTouchNoncesAndOnlyTheirExpiry() throws Exception {
        var database = IruConfig.from(deployment.environment).database();
        var tenantRole = database.tenantRuntime();
        var controlRole = database.controlRuntime();
        for (String sql : List.of("select * from operator_request_nonces",
                "insert into operator_request_nonces values ('ops-alice', 'forged', now() + interval '1 hour')",
                "delete from operator_request_nonces")) {
            refused(tenantRole, sql);
        }
        refused(controlRole, "update operator_request_nonces set nonce = 'other'");
        refused(controlRole, "update operator_request_nonces set key_id = 'ops-bob'");
    }

    static void refused(DatabaseCredentials role, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(deployment.databases.url("directory"), role.user(),
                role.password()); var s = c.createStatement()) {
            var e = assertThrows(SQLException.class, () -> s.execute(sql),
                    role.user() + ": " + sql);
            assertEquals("42501", e.getSQLState(), role.user() + ": " + sql + ": " + e.getMessage());
        }
    }

    @Test
    void theIruSignRequestScriptSignsARequestTheControlPlaneAccepts(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("ops.pem");
        Path body = dir.resolve("tenant.json");
        Files.writeString(body, tenant("scripted-co"));
        Process genkey = new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, genkey.waitFor(), new String(genkey.getInputStream().readAllBytes()));
        Process pub = new ProcessBuilder("openssl", "pkey", "-in", key.toString(), "-pubout").start();
        String pem = new String(pub.getInputStream().readAllBytes()).strip();
        assertEquals(0, pub.waitFor());
        TestDeployment.Plane scripted = deployment.start(Plane.control, Map.of("IRU_DEV_OPERATOR_KEYS",
                Json.MAPPER.writeValueAsString(Map.of("ops-script", pem))));
        ProcessBuilder sign = new ProcessBuilder("bash", Path.of("src/main/dist/bin/iru-sign-request").toString(),
                "POST", scripted.uri("/v1/tenants").toString(), body.toString(), "-w", "\n%{http_code}")
                .redirectErrorStream(true);
        sign.environment().put("IRU_OPERATOR_KEY", key.toString());
        sign.environment().put("IRU_OPERATOR_KEY_ID", "ops-script");
        Process run = sign.start();
        String output = new String(run.getInputStream().readAllBytes());
        assertEquals(0, run.waitFor(), output);
        assertTrue(output.strip().endsWith("201"), output);
        assertEquals(1, tenantsWithSlug("scripted-co"));
    }
}
