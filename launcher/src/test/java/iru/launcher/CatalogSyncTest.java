package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import iru.testkit.LoopbackSecretsManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Catalog sync through the real AWS SDK: the control plane runs with `IRU_SECRETS=aws` against a loopback Secrets
 * Manager, and the loopback upstream catalog accepts only the credential it currently expects.
 */
class CatalogSyncTest {
    static LoopbackSecretsManager aws;
    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane tenantPlane;
    static String currentToken = "catalog-credential-1";

    @BeforeAll
    static void start() {
        aws = LoopbackSecretsManager.start();
        aws.put("iru/admin-token", TestDeployment.ADMIN_TOKEN);
        aws.put("iru/catalog-token", "catalog-credential-1");
        aws.put("iru/signing-kek", TestDeployment.SIGNING_KEK);
        upstream = LoopbackCatalog.start("catalog-credential-1");
        upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK, CatalogFeeds.GITHUB));
        deployment = TestDeployment.create("t_catalog_sync");
        Map<String, String> env = new HashMap<>();
        env.put("IRU_SECRETS", "aws");
        env.put("IRU_SECRETS_ENDPOINT", aws.endpoint().toString());
        env.put("IRU_CATALOG_URL", upstream.url().toString());
        env.put("IRU_DEV_ADMIN_TOKEN", ""); // not used: the admin token comes from Secrets Manager too
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG");
        control = deployment.start(Plane.control, env);
        tenantPlane = deployment.start(Plane.tenant);
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
        aws.close();
    }

    @BeforeEach
    void upstreamExpectsTheCurrentCredential() {
        upstream.expectToken(currentToken);
    }

    static JsonNode sync() throws Exception {
        var res = control.admin("POST", "/v1/catalog/sync", null);
        assertEquals(200, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body());
    }

    static String status(String kind, String key) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind);
             ResultSet rs = c.createStatement().executeQuery("select status from catalog_templates where key = '" + key + "'")) {
            return rs.next() ? rs.getString(1) : "absent";
        }
    }

    @Test
    void syncFetchesTheCredentialPerRequestSoARotationTakesEffectAtOnce() throws Exception {
        JsonNode first = sync();
        assertEquals(2, first.get("total").asInt());
        for (String kind : new String[] {"directory", "us", "eu"}) {
            assertEquals("active", status(kind, "slack"), kind);
            assertEquals("active", status(kind, "github"), kind);
        }
        long fetchesBefore = aws.callsFor("iru/catalog-token", "AWSCURRENT");

        currentToken = "catalog-credential-2";
        aws.rotate("iru/catalog-token", currentToken);
        upstream.expectToken(currentToken);
        upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK, CatalogFeeds.GITHUB_V2, CatalogFeeds.JIRA));
        JsonNode second = sync();
        assertEquals(1, second.get("added").asInt(), second.toString());
        assertEquals(1, second.get("updated").asInt(), second.toString());
        assertEquals(1, second.get("unchanged").asInt(), second.toString());
        assertEquals("catalog-credential-2", upstream.presentedTokens().getLast());
        assertTrue(aws.callsFor("iru/catalog-token", "AWSCURRENT") > fetchesBefore, "secret fetched again for the sync");
        assertEquals("active", status("eu", "jira"));

        // Upstream now wants a credential the secret store does not have: the sync fails clearly and changes nothing.
        upstream.expectToken("catalog-credential-3");
        upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK));
        var refused = control.admin("POST", "/v1/catalog/sync", null);
        assertEquals(502, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("upstream-unavailable") && refused.body().contains("401"), refused.body());
        assertEquals("active", status("us", "github"));
    }

    @Test
    void templateInUseIsDeprecatedNotRemovedAndUnusedOnesVanish() throws Exception {
        upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK, CatalogFeeds.GITHUB_V2, CatalogFeeds.JIRA));
        sync();
        var tenant = TestDeployment.createTenant(control, "uses-github", "eu");
        var app = tenantPlane.as(tenant.key(), "POST", "/t/uses-github/v1/apps",
                "{\"templateKey\":\"github\",\"displayName\":\"Our GitHub\",\"redirectUris\":[\"https://github.com/cb\"]}");
        assertEquals(201, app.statusCode(), app.body());

        upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK));
        JsonNode result = sync();
        assertEquals(1, result.get("deprecated").asInt(), result.toString());
        assertEquals(1, result.get("removed").asInt(), result.toString());
        assertEquals("deprecated", status("eu", "github"));
        assertEquals("absent", status("us", "github")); // unused in us: gone there
        assertEquals("deprecated", status("directory", "github"));
        assertEquals("absent", status("eu", "jira"));

        var catalog = Json.MAPPER.readTree(tenantPlane.as(tenant.key(), "GET", "/t/uses-github/v1/catalog", null).body());
        assertTrue(catalog.get("items").toString().contains("\"key\":\"github\""), catalog.toString());
        assertTrue(catalog.get("items").toString().contains("\"status\":\"deprecated\""), catalog.toString());
        var refused = tenantPlane.as(tenant.key(), "POST", "/t/uses-github/v1/apps",
                "{\"templateKey\":\"github\",\"displayName\":\"Another\"}");
        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals("templateKey", Json.MAPPER.readTree(refused.body()).get("field").asText());
        var controlCatalog = control.admin("GET", "/v1/catalog", null);
        assertEquals(200, controlCatalog.statusCode());
        assertTrue(controlCatalog.body().contains("\"key\":\"slack\""), controlCatalog.body());
    }

    @Test
    void controlPlaneCanAlsoSyncOnAnInterval() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("IRU_SECRETS", "aws");
        env.put("IRU_SECRETS_ENDPOINT", aws.endpoint().toString());
        env.put("IRU_CATALOG_URL", upstream.url().toString());
        env.put("IRU_CATALOG_SYNC_INTERVAL_SECONDS", "1");
        int before = upstream.presentedTokens().size();
        deployment.start(Plane.control, env);
        for (int i = 0; i < 150 && upstream.presentedTokens().size() < before + 2; i++) {
            Thread.sleep(100);
        }
        assertTrue(upstream.presentedTokens().size() >= before + 2, "two rounds (one per second) within fifteen seconds");
    }

    @Test
    void controlPlaneRefusesToStartWhenSecretsManagerLacksItsAdminToken() {
        try (LoopbackSecretsManager empty = LoopbackSecretsManager.start()) {
            Map<String, String> env = new HashMap<>();
            env.put("IRU_SECRETS", "aws");
            env.put("IRU_SECRETS_ENDPOINT", empty.endpoint().toString());
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    iru.foundation.secrets.SecretUnavailableException.class,
                    () -> deployment.start(Plane.control, env));
            assertTrue(e.getMessage().contains("iru/admin-token"), e.getMessage());
            assertTrue(empty.operations("ListSecretVersionIds", "iru/admin-token") >= 1,
                    "asked Secrets Manager, got nothing");
        }
    }

    @Test
    void adminTokenAlsoComesFromSecretsManagerThroughTheSdk() throws Exception {
        assertEquals(401, control.as("wrong", "GET", "/v1/tenants", null).statusCode());
        assertEquals(200, control.admin("GET", "/v1/tenants", null).statusCode());
        assertTrue(aws.callsFor("iru/admin-token", "AWSCURRENT") >= 2);
    }
}
