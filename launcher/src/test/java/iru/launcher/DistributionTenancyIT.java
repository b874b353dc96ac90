package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.interfaces.http.Json;
import iru.testkit.LoopbackSecretsManager;
import iru.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both planes as real processes of the assembled distribution: the control plane reads its admin token from Secrets
 * Manager through the AWS SDK on the real module path, and the tenant plane's access lines carry tenant and region.
 */
class DistributionTenancyIT {
    static TestDatabases databases;
    static LoopbackSecretsManager aws;
    static Map<String, String> env;

    @BeforeAll
    static void migrate() throws Exception {
        databases = TestDatabases.create("t_distribution_tenancy");
        aws = LoopbackSecretsManager.start();
        aws.put("iru/admin-token", "process-admin-token");
        String kek = TestDeployment.newKek(); // one KEK, from Secrets Manager for the control plane, the env for the tenant's
        aws.put("iru/signing-kek", kek);
        env = new HashMap<>(databases.environment());
        env.put("IRU_DEV_SIGNING_KEK", kek);
        assertEquals(0, DistributionProcess.run(env, "migrate").process.exitValue());
    }

    @AfterAll
    static void drop() {
        aws.close();
        databases.close();
    }

    @Test
    void controlPlaneOnSecretsManagerCreatesATenantTheTenantPlaneServesAndLogs() throws Exception {
        Map<String, String> controlEnv = new HashMap<>(env);
        controlEnv.put("IRU_SECRETS", "aws");
        controlEnv.put("IRU_SECRETS_ENDPOINT", aws.endpoint().toString());
        controlEnv.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        controlEnv.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG");
        try (DistributionProcess control = DistributionProcess.start(controlEnv, "--plane=control");
             DistributionProcess tenant = DistributionProcess.start(env, "--plane=tenant")) {
            int controlPort = control.awaitPort(Duration.ofSeconds(40));
            int tenantPort = tenant.awaitPort(Duration.ofSeconds(40));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + controlPort + "/v1/tenants"))
                    .header("Authorization", "Bearer process-admin-token").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"proc-co\",\"name\":\"Proc\",\"region\":\"eu\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body() + "\n" + control.output());
            assertTrue(aws.callsFor("iru/admin-token", "AWSCURRENT") >= 2, "fetched at startup and per request");
            String id = Json.MAPPER.readTree(created.body()).get("id").asText();
            HttpResponse<String> key = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + controlPort + "/v1/tenants/" + id + "/api-keys"))
                    .header("Authorization", "Bearer process-admin-token").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            String apiKey = Json.MAPPER.readTree(key.body()).get("key").asText();

            HttpResponse<String> profile = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + tenantPort + "/t/proc-co/v1/tenant"))
                    .header("Authorization", "Bearer " + apiKey).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, profile.statusCode(), profile.body());

            control.process.destroy();
            tenant.process.destroy();
            assertTrue(tenant.process.waitFor(30, TimeUnit.SECONDS));
            assertTrue(control.process.waitFor(30, TimeUnit.SECONDS));
            String access = tenant.lines().get(tenant.indexOf("\"path\":\"/t/proc-co/v1/tenant\""));
            assertTrue(access.contains("\"tenant_id\":\"" + id + "\"") && access.contains("\"region\":\"eu\"")
                    && access.contains("\"trace_id\":\""), access);
            assertTrue(!control.output().contains("process-admin-token"), "the admin token must never be logged");
        }
    }
}
