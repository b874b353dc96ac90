package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.opentelemetry.api.OpenTelemetry;
import iru.application.identity.TenantTransactions;
import iru.application.signing.SealedKeyRewrap;
import iru.application.signing.SigningKeys;
import iru.domain.event.SecurityEventLog;
import iru.domain.signing.SigningKey;
import iru.domain.signing.SigningKeyRepository;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.IruConfig;
import iru.foundation.config.TelemetrySettings;
import iru.foundation.crypto.EnvelopeDecryptionException;
import iru.foundation.crypto.EnvelopeEncryption;
import iru.foundation.crypto.SealedSecret;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.telemetry.Telemetry;
import iru.testkit.LoopbackSecretsManager;
import iru.testkit.TestClock;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KEK rotation end to end against a loopback Secrets Manager (the real AWS SDK): `signing-kek` is rotated, the control
 * plane's periodic sweep re-wraps every sealed private key under the new KEK within the grace, the old KEK stops being
 * accepted, and every tenant's keys still open, sign and verify through the JWKS.
 */
class SigningKekRewrapTest {
    static final String PREFIX = "iru/kek-rewrap/";
    static final int GRACE_SECONDS = 6;
    static final TestClock SECRETS_CLOCK = new TestClock(Instant.now());
    static LoopbackSecretsManager aws;
    static TestDeployment deployment;
    static Map<String, String> awsEnvironment;

    @BeforeAll
    static void start() {
        aws = LoopbackSecretsManager.start(SECRETS_CLOCK);
        aws.put(PREFIX + "admin-token", TestDeployment.ADMIN_TOKEN);
        aws.put(PREFIX + "signing-kek", TestDeployment.newKek());
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG");
        deployment = TestDeployment.create("t_kek_rewrap");
        awsEnvironment = new HashMap<>();
        awsEnvironment.put("IRU_SECRETS", "aws");
        awsEnvironment.put("IRU_SECRETS_ENDPOINT", aws.endpoint().toString());
        awsEnvironment.put("IRU_SECRETS_PREFIX", PREFIX);
        awsEnvironment.put("IRU_SECRETS_CACHE_SECONDS", "0");
        awsEnvironment.put("IRU_SECRETS_PREVIOUS_GRACE_SECONDS", Integer.toString(GRACE_SECONDS));
        awsEnvironment.put("IRU_SIGNING_KEK_REWRAP_SECONDS", "1");
        awsEnvironment.put("IRU_DEV_ADMIN_TOKEN", "");
    }

    @AfterAll
    static void stop() {
        deployment.close();
        aws.close();
    }

    @Test
    void aRotatedKekIsSweptFromEveryKeyWithinTheGraceAndTokensStillSignAndVerify() throws Exception {
        TestDeployment.Plane control = deployment.start(Plane.control, awsEnvironment);
        var eu = TestDeployment.createTenant(control, "kek-eu", "eu");
        var us = TestDeployment.createTenant(control, "kek-us", "us");
        assertEquals(201, control.admin("POST", "/v1/tenants/" + eu.id() + "/signing-keys", null).statusCode());
        Map<String, SealedSecret> before = new HashMap<>(sealed("eu"));
        before.putAll(sealed("us"));
        assertEquals(3, before.size());
        String oldKek = before.values().iterator().next().kekId();
        assertTrue(before.values().stream().allMatch(s -> s.kekId().equals(oldKek)));

        Instant rotated = Instant.now();
        synchronized (SECRETS_CLOCK) {
            SECRETS_CLOCK.advance(Duration.between(SECRETS_CLOCK.instant(), rotated));
            aws.rotate(PREFIX + "signing-kek", TestDeployment.newKek());
        }
        Map<String, SealedSecret> after = awaitAllMovedFrom(oldKek, rotated.plusSeconds(GRACE_SECONDS - 1));
        String newKek = after.values().iterator().next().kekId();
        assertNotEquals(oldKek, newKek);
        for (var entry : before.entrySet()) {
            SealedSecret moved = after.get(entry.getKey());
            assertEquals(newKek, moved.kekId(), entry.getKey());
            // Only the data key's wrapping changed: the private key's ciphertext is the one sealed at creation.
            assertTrue(java.util.Arrays.equals(entry.getValue().ciphertext(), moved.ciphertext()));
            assertTrue(java.util.Arrays.equals(entry.getValue().nonce(), moved.nonce()));
            assertTrue(!java.util.Arrays.equals(entry.getValue().wrappedKey(), moved.wrappedKey()));
        }
        assertEquals("2", deployment.queryAsOwner("eu", "select count(*) from security_events where kind ="
                + " 'signing-key.rewrapped' and detail ->> 'fromKek' = '" + oldKek + "' and detail ->> 'toKek' = '"
                + newKek + "'"));
        assertEquals("1", deployment.queryAsOwner("us", "select count(*) from security_events where kind ="
                + " 'signing-key.rewrapped'"));
        assertEquals("2", deployment.queryAsOwner("eu", "select count(*) from audit_signing_keys where audit_op ="
                + " 'UPDATE' and kek_id = '" + newKek + "'"));

        // Past the grace the old KEK is gone: what was sealed under it no longer opens...
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), rotated.plusSeconds(GRACE_SECONDS + 1)).toMillis()));
        IruConfig config = IruConfig.from(deployment.environment(awsEnvironment));
        EnvelopeEncryption envelope = new EnvelopeEncryption(Secrets.store(config), SigningKeys.KEK_SECRET,
                new SecureRandom());
        var stale = before.entrySet().iterator().next();
        assertThrows(EnvelopeDecryptionException.class, () -> envelope.open(stale.getValue(),
                SigningKey.sealingContext(tenantOf(stale.getKey()), kidOf(stale.getKey()))));
        // ...while every re-wrapped key opens, and the tenants' tokens sign and verify through their JWKS.
        for (var entry : after.entrySet()) {
            envelope.open(entry.getValue(), SigningKey.sealingContext(tenantOf(entry.getKey()), kidOf(entry.getKey())));
        }
        TestDeployment.Plane api = deployment.start(Plane.tenant, awsEnvironment);
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().tenantRuntime(), OpenTelemetry.noop())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            Telemetry telemetry = Telemetry.create(new TelemetrySettings(Optional.empty(), "test", Optional.empty(),
                    1.0), List.of());
            SigningKeys keys = new SigningKeys(new TenantTransactions(router, telemetry), router,
                    new TenantDirectory(), new SigningKeyRepository(), envelope, Duration.ofDays(1),
                    new iru.application.tenant.CredentialChanges(Duration.ofMinutes(5)), Clock.systemUTC());
            for (var tenant : List.of(eu, us)) {
                TenantLocation location = router.inDirectoryTransaction(c -> new TenantDirectory().findById(c,
                        new TenantId(UUID.fromString(tenant.id())))).orElseThrow();
                SignedJWT token = keys.signer(location).sign(new JWTClaimsSet.Builder().subject("user-1")
                        .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
                HttpResponse<String> jwks = api.send(HttpRequest.newBuilder(api.uri("/t/" + tenant.slug()
                        + "/.well-known/jwks.json")).GET().build());
                var key = JWKSet.parse(jwks.body()).getKeyByKeyId(token.getHeader().getKeyID());
                assertTrue(token.verify(new ECDSAVerifier(((ECKey) key).toECPublicKey())), tenant.slug());
            }
        }
        // New keys are sealed under the new KEK, and the control plane still activates them.
        var created = control.admin("POST", "/v1/tenants/" + us.id() + "/signing-keys", null);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("0", deployment.queryAsOwner("us", "select count(*) from signing_keys where kek_id <> '"
                + newKek + "'"));

        // A key that no longer opens (its wrapped data key altered) is not skipped silently: after another rotation
        // the pass re-wraps every other key, leaves that one as it was, and fails naming it.
        String damaged = before.keySet().stream().filter(k -> k.startsWith(eu.id())).findFirst().orElseThrow();
        try (Connection c = deployment.databases.connectAsOwner("eu")) {
            c.createStatement().execute("update signing_keys set data_key_wrapped = set_byte(data_key_wrapped, 0,"
                    + " get_byte(data_key_wrapped, 0) # 1) where kid = '" + kidOf(damaged) + "'");
        }
        SealedSecret damagedBefore = sealed("eu").get(damaged);
        synchronized (SECRETS_CLOCK) {
            SECRETS_CLOCK.advance(Duration.between(SECRETS_CLOCK.instant(), Instant.now()));
            aws.rotate(PREFIX + "signing-kek", TestDeployment.newKek());
        }
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().controlRuntime(), OpenTelemetry.noop())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            SealedKeyRewrap rewrap = new SealedKeyRewrap(router, new TenantDirectory(), new SigningKeyRepository(),
                    envelope, new SecurityEventLog(new SecureRandom()), config.servedRegions());
            IllegalStateException failed = assertThrows(IllegalStateException.class, rewrap::sweep);
            assertTrue(failed.getMessage().startsWith("1 sealed signing key(s)"), failed.getMessage());
            assertTrue(failed.getCause().getMessage().contains(kidOf(damaged)), failed.getCause().getMessage());
        }
        Map<String, SealedSecret> third = new HashMap<>(sealed("eu"));
        third.putAll(sealed("us"));
        String thirdKek = third.get(before.keySet().stream().filter(k -> !k.equals(damaged)).findFirst()
                .orElseThrow()).kekId();
        assertNotEquals(newKek, thirdKek);
        third.forEach((k, v) -> assertEquals(k.equals(damaged) ? newKek : thirdKek, v.kekId(), k));
        assertTrue(java.util.Arrays.equals(damagedBefore.wrappedKey(), third.get(damaged).wrappedKey()));
    }

    /** Polls until no key of either region is wrapped by `oldKek`; fails if that takes past `deadline`. */
    private static Map<String, SealedSecret> awaitAllMovedFrom(String oldKek, Instant deadline) throws Exception {
        while (true) {
            Map<String, SealedSecret> now = new HashMap<>(sealed("eu"));
            now.putAll(sealed("us"));
            if (now.values().stream().noneMatch(s -> s.kekId().equals(oldKek))) {
                return now;
            }
            assertTrue(Instant.now().isBefore(deadline), "keys still under the old KEK near the end of the grace");
            Thread.sleep(200);
        }
    }

    /** Every sealed private key of a region, by `tenant/kid`, read as the schema owner. */
    private static Map<String, SealedSecret> sealed(String region) throws Exception {
        Map<String, SealedSecret> keys = new HashMap<>();
        try (Connection c = deployment.databases.connectAsOwner(region);
             ResultSet rs = c.createStatement().executeQuery("select tenant_id, kid, kek_id, data_key_nonce,"
                     + " data_key_wrapped, private_key_nonce, private_key_sealed from signing_keys")) {
            while (rs.next()) {
                keys.put(rs.getString("tenant_id") + "/" + rs.getString("kid"), new SealedSecret(
                        rs.getString("kek_id"), rs.getBytes("data_key_nonce"), rs.getBytes("data_key_wrapped"),
                        rs.getBytes("private_key_nonce"), rs.getBytes("private_key_sealed")));
            }
        }
        return keys;
    }

    private static TenantId tenantOf(String tenantAndKid) {
        return new TenantId(UUID.fromString(tenantAndKid.substring(0, tenantAndKid.indexOf('/'))));
    }

    private static String kidOf(String tenantAndKid) {
        return tenantAndKid.substring(tenantAndKid.indexOf('/') + 1);
    }
}
