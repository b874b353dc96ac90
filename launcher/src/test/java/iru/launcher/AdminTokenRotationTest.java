package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import iru.testkit.LoopbackSecretsManager;
import iru.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane's admin check through the real AWS SDK, against a loopback Secrets Manager whose clock the test
 * sets: a version "created" hours ago is past the rotation grace as far as the plane's own clock is concerned.
 */
class AdminTokenRotationTest {
    static final TestClock SECRETS_CLOCK = new TestClock(Instant.now());
    static LoopbackSecretsManager aws;
    static TestDeployment deployment;

    @BeforeAll
    static void start() {
        aws = LoopbackSecretsManager.start(SECRETS_CLOCK);
        deployment = TestDeployment.create("t_admin_rotation");
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG");
    }

    @AfterAll
    static void stop() {
        deployment.close();
        aws.close();
    }

    static TestDeployment.Plane control(String prefix, int cacheSeconds) {
        aws.put(prefix + "admin-token", "token-1");
        aws.put(prefix + "signing-kek", TestDeployment.SIGNING_KEK);
        Map<String, String> env = new HashMap<>();
        env.put("IRU_SECRETS", "aws");
        env.put("IRU_SECRETS_ENDPOINT", aws.endpoint().toString());
        env.put("IRU_SECRETS_PREFIX", prefix);
        env.put("IRU_SECRETS_CACHE_SECONDS", Integer.toString(cacheSeconds));
        env.put("IRU_DEV_ADMIN_TOKEN", "");
        return deployment.start(Plane.control, env);
    }

    /** Lets the rotation reach the secret store's clock at `createdAgo`, then outwaits the plane's cache. */
    static void rotate(String secretId, String value, Duration createdAgo) throws InterruptedException {
        synchronized (SECRETS_CLOCK) {
            SECRETS_CLOCK.advance(Duration.between(SECRETS_CLOCK.instant(), Instant.now().minus(createdAgo)));
            aws.rotate(secretId, value);
        }
        Thread.sleep(1_200);
    }

    @Test
    void oldAdminTokenWorksWithinTheGraceAndIsRefusedAfterItWithoutEffect() throws Exception {
        TestDeployment.Plane control = control("iru/rotation/", 1);
        assertEquals(200, control.as("token-1", "GET", "/v1/tenants", null).statusCode());

        rotate("iru/rotation/admin-token", "token-2", Duration.ofMinutes(1));
        assertEquals(200, control.as("token-2", "GET", "/v1/tenants", null).statusCode());
        assertEquals(200, control.as("token-1", "GET", "/v1/tenants", null).statusCode(), "within the grace");

        rotate("iru/rotation/admin-token", "token-3", Duration.ofHours(2)); // as if rotated two hours ago
        var refused = control.as("token-2", "POST", "/v1/tenants",
                "{\"slug\":\"leaked-token\",\"name\":\"Leaked\",\"region\":\"eu\"}");
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals(401, control.as("token-1", "GET", "/v1/tenants", null).statusCode());
        var list = control.as("token-3", "GET", "/v1/tenants", null);
        assertEquals(200, list.statusCode(), list.body());
        assertFalse(list.body().contains("leaked-token"), "the refused request created nothing: " + list.body());
    }

    @Test
    void adminRequestsWithinTheCacheTimeToLiveFetchTheTokenOnce() throws Exception {
        TestDeployment.Plane control = control("iru/cached/", 30);
        long before = aws.operations("ListSecretVersionIds", "iru/cached/admin-token"); // the startup check
        for (int i = 0; i < 10; i++) {
            assertEquals(200, control.as("token-1", "GET", "/v1/tenants", null).statusCode());
        }
        assertEquals(1, aws.operations("ListSecretVersionIds", "iru/cached/admin-token") - before);
        assertEquals(401, control.as("token-0", "GET", "/v1/tenants", null).statusCode());
        assertEquals(1, aws.operations("ListSecretVersionIds", "iru/cached/admin-token") - before);
    }
}
