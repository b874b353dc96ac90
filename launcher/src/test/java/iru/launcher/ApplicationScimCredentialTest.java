package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.domain.application.ScimEndpointRule;
import iru.domain.validation.InvalidFieldException;
import iru.foundation.config.IruConfig;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.secrets.DevSecretStore;
import iru.foundation.secrets.SecretUnavailableException;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An application's SCIM settings cannot aim provisioning at our secrets or our network: the credential is write-only
 * under a name the platform derives, and the SCIM base URL must be https to an address that is not internal.
 */
class ApplicationScimCredentialTest {
    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane api;
    static DevSecretStore secrets;
    static TestDeployment.TenantWithKey acme;
    static TestDeployment.TenantWithKey rival;

    @BeforeAll
    static void start() throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
        deployment = TestDeployment.create("t_app_scim");
        var control = deployment.startControlWithCatalog(upstream);
        secrets = new DevSecretStore(deployment.environment, java.time.Duration.ofHours(1), java.time.Clock.systemUTC());
        // The test delivers by hand (or not at all): no workers delivering beside it.
        api = deployment.start(Plane.tenant, IruConfig.from(deployment.environment(Map.of("IRU_WORKERS", "off"))),
                secrets);
        acme = TestDeployment.createTenant(control, "acme", "eu");
        rival = TestDeployment.createTenant(control, "rival", "eu");
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    static HttpResponse<String> call(TestDeployment.TenantWithKey tenant, String method, String path, String body)
            throws Exception {
        return api.as(tenant.key(), method, "/t/" + tenant.slug() + "/v1" + path, body);
    }

    static JsonNode json(HttpResponse<String> res) throws Exception {
        return Json.MAPPER.readTree(res.body());
    }

    static String createApp(TestDeployment.TenantWithKey tenant, String scimBaseUrl) throws Exception {
        var res = call(tenant, "POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Slack\",\"scimBaseUrl\":\""
                + scimBaseUrl + "\"}");
        assertEquals(201, res.statusCode(), res.body());
        return json(res).get("id").asText();
    }

    static String secret(TestDeployment.TenantWithKey tenant, String appId) {
        return secrets.fetch("scim/" + tenant.id() + "/" + appId).current().reveal();
    }

    static boolean hasSecret(TestDeployment.TenantWithKey tenant, String appId) {
        try {
            secrets.fetch("scim/" + tenant.id() + "/" + appId);
            return true;
        } catch (SecretUnavailableException e) {
            return false;
        }
    }

    static String ownerQuery(String sql) throws Exception {
        return deployment.queryAsOwner("eu", sql);
    }

    @Test
    void credentialIsWriteOnlyStoredUnderTheDerivedNameAndShownOnlyAsSet() throws Exception {
        String app = createApp(acme, "https://api.slack.com/scim/v2");
        assertFalse(json(call(acme, "GET", "/apps/" + app, null)).get("scimCredentialSet").asBoolean());

        String token = "xoxp-secret-token-0123456789";
        var put = call(acme, "PUT", "/apps/" + app + "/scim-credential", "{\"bearerToken\":\"" + token + "\"}");
        assertEquals(204, put.statusCode(), put.body());
        assertEquals("", put.body());
        assertEquals(token, secret(acme, app));

        var got = call(acme, "GET", "/apps/" + app, null);
        assertTrue(json(got).get("scimCredentialSet").asBoolean(), got.body());
        assertFalse(json(got).get("scimCredentialSetAt").isNull(), got.body());
        assertEquals("\"2\"", got.headers().firstValue("etag").orElseThrow(), "setting the credential is a change");
        for (String path : List.of("/apps/" + app, "/apps", "/apps/" + app + "/assignments")) {
            assertFalse(call(acme, "GET", path, null).body().contains(token), path + " must not show the credential");
        }
        assertEquals(405, call(acme, "GET", "/apps/" + app + "/scim-credential", null).statusCode());
        // The database holds no trace of the token: not in the rows, not in the journals.
        assertEquals("0", ownerQuery("select count(*) from (select to_jsonb(a)::text t from audit_applications a union all"
                + " select to_jsonb(c)::text from audit_application_scim_credentials c union all"
                + " select to_jsonb(c)::text from application_scim_credentials c) x where t like '%" + token + "%'"));

        String replaced = "xoxp-rotated-token";
        assertEquals(204, call(acme, "PUT", "/apps/" + app + "/scim-credential", "{\"bearerToken\":\"" + replaced + "\"}")
                .statusCode());
        assertEquals(replaced, secret(acme, app));
    }

    @Test
    void freeTextCredentialReferenceIsGoneFromTheApi() throws Exception {
        var create = call(acme, "POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"S\","
                + "\"scimCredentialRef\":\"admin-token\"}");
        assertEquals(422, create.statusCode(), create.body());
        assertEquals("scimCredentialRef", json(create).get("field").asText());
        String app = createApp(acme, "https://api.slack.com/scim/v2");
        var patch = call(acme, "PATCH", "/apps/" + app, "{\"scimCredentialRef\":\"admin-token\"}");
        assertEquals(422, patch.statusCode(), patch.body());
        assertFalse(call(acme, "GET", "/apps/" + app, null).body().contains("scimCredentialRef"));
    }

    @Test
    void anotherTenantsApplicationIsNotFoundAndNothingIsStored() throws Exception {
        String app = createApp(acme, "https://api.slack.com/scim/v2");
        assertEquals(204, call(acme, "PUT", "/apps/" + app + "/scim-credential", "{\"bearerToken\":\"acme-token\"}")
                .statusCode());
        var attack = call(rival, "PUT", "/apps/" + app + "/scim-credential", "{\"bearerToken\":\"rival-token\"}");
        assertEquals(404, attack.statusCode(), attack.body());
        assertEquals("acme-token", secret(acme, app));
        assertFalse(hasSecret(rival, app));
        var unknown = call(acme, "PUT", "/apps/" + java.util.UUID.randomUUID() + "/scim-credential",
                "{\"bearerToken\":\"t\"}");
        assertEquals(404, unknown.statusCode());
        assertEquals(404, call(rival, "DELETE", "/apps/" + app, null).statusCode());
        assertEquals("acme-token", secret(acme, app), "a rival's delete must not orphan-mark our credential");
    }

    @Test
    void invalidCredentialsAreRefusedNamingTheFieldAndStoreNothing() throws Exception {
        String app = createApp(acme, "https://api.slack.com/scim/v2");
        for (String body : List.of("{\"bearerToken\":\"\"}", "{\"bearerToken\":\"   \"}", "{}",
                "{\"bearerToken\":\"line\\nbreak\"}", "{\"bearerToken\":\"nul\\u0000\"}", "{\"bearerToken\":7}",
                "{\"bearerToken\":\"" + "x".repeat(4097) + "\"}")) {
            var res = call(acme, "PUT", "/apps/" + app + "/scim-credential", body);
            // Text PostgreSQL cannot store is refused where the body is read (400), the rest by validation (422).
            assertEquals(body.contains("\\u0000") ? 400 : 422, res.statusCode(), body + " -> " + res.body());
            assertEquals("bearerToken", json(res).get("field").asText(), res.body());
        }
        var extra = call(acme, "PUT", "/apps/" + app + "/scim-credential", "{\"bearerToken\":\"t\",\"name\":\"admin-token\"}");
        assertEquals("name", json(extra).get("field").asText(), extra.body());
        assertFalse(hasSecret(acme, app));
        var got = call(acme, "GET", "/apps/" + app, null);
        assertFalse(json(got).get("scimCredentialSet").asBoolean());
        assertEquals("\"1\"", got.headers().firstValue("etag").orElseThrow());
    }

    @Test
    void internalOrPlainHttpScimBaseUrlsAreRefusedAndChangeNothing() throws Exception {
        String app = createApp(acme, "https://api.slack.com/scim/v2");
        List<String> refused = List.of("http://scim.example.com/v2", "https://169.254.169.254/latest/meta-data",
                "https://10.0.0.1/scim", "https://192.168.1.1/scim", "https://[fe80::1]/scim",
                "https://[::ffff:169.254.169.254]/scim", "https://100.64.0.1/", "https://user:pw@scim.example.com/",
                "ftp://scim.example.com/", "https://scim.example.com/#x", "scim.example.com");
        for (String url : refused) {
            var created = call(acme, "POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"S\",\"scimBaseUrl\":\""
                    + url + "\"}");
            assertEquals(422, created.statusCode(), url + " -> " + created.body());
            assertEquals("scimBaseUrl", json(created).get("field").asText(), created.body());
            var patched = call(acme, "PATCH", "/apps/" + app, "{\"scimBaseUrl\":\"" + url + "\"}");
            assertEquals(422, patched.statusCode(), url + " -> " + patched.body());
            assertEquals("scimBaseUrl", json(patched).get("field").asText(), patched.body());
        }
        var after = call(acme, "GET", "/apps/" + app, null);
        assertEquals("https://api.slack.com/scim/v2", json(after).get("scimBaseUrl").asText());
        assertEquals("\"1\"", after.headers().firstValue("etag").orElseThrow());
        // This plane runs in dev mode: loopback over http is allowed there, for loopback SCIM servers in tests.
        for (String url : List.of("http://localhost:8443/scim", "http://127.0.0.1:9/scim", "http://[::1]:9/scim")) {
            var patched = call(acme, "PATCH", "/apps/" + app, "{\"scimBaseUrl\":\"" + url + "\"}");
            assertEquals(200, patched.statusCode(), url + " -> " + patched.body());
        }
    }

    @Test
    void productionRefusesLoopbackAndInternalLiteralsAtSetTime() {
        var production = new ScimEndpointRule(OutboundAddressPolicy.Mode.PRODUCTION);
        var dev = new ScimEndpointRule(OutboundAddressPolicy.Mode.DEV);
        for (String url : List.of("https://127.0.0.1/scim", "https://[::1]/scim", "https://localhost/scim",
                "https://app.localhost/scim", "http://localhost/scim", "https://10.0.0.1/", "https://192.168.1.1/",
                "https://[fe80::1]/", "https://[::ffff:127.0.0.1]/", "https://169.254.169.254/", "https://0x7f.0.0.1/",
                "https://2130706433/")) {
            var e = assertThrows(InvalidFieldException.class, () -> production.check(url), url);
            assertEquals("scimBaseUrl", e.field());
        }
        for (String url : List.of("https://169.254.169.254/", "https://10.0.0.1/", "http://scim.example.com/")) {
            assertThrows(InvalidFieldException.class, () -> dev.check(url), url);
        }
        production.check("https://93.184.216.34/scim/v2");
        production.check("https://scim.example.com/v2");
        dev.check("http://127.0.0.1:8080/scim");
    }

    @Test
    void deletingAnApplicationOrphanMarksItsCredentialAndKeepsTheJournalVerifiable() throws Exception {
        String app = createApp(acme, "https://api.slack.com/scim/v2");
        assertEquals(204, call(acme, "PUT", "/apps/" + app + "/scim-credential", "{\"bearerToken\":\"doomed-token\"}")
                .statusCode());
        assertEquals(204, call(acme, "DELETE", "/apps/" + app, null).statusCode());
        assertEquals("orphaned: application deleted", secret(acme, app));
        assertEquals("0", ownerQuery("select count(*) from application_scim_credentials where app_id = '" + app + "'"));
        assertEquals("DELETE", ownerQuery("select audit_op from audit_application_scim_credentials where app_id = '"
                + app + "' order by audit_seq desc limit 1"));
        var verified = deployment.run("verify-audit", "--tenant", acme.id());
        assertEquals(0, verified.exitCode(), verified.output());
    }

    /**
     * Entries written before V5, when `applications` still had `scim_credential_ref`, and entries written after it
     * was dropped (the journal keeps the column, null) both verify: the hash covers the row as the journal stores it.
     */
    @Test
    void journalEntriesFromBeforeAndAfterTheDroppedColumnBothVerify() throws Exception {
        String tenant = rival.id();
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            s.execute("alter table applications add column scim_credential_ref text");
            s.execute("begin");
            s.execute("set local iru.tenant_id = '" + tenant + "'");
            s.execute("insert into applications (tenant_id, app_id, template_key, display_name, scim_base_url,"
                    + " scim_credential_ref, version, created_at, updated_at) values ('" + tenant + "',"
                    + " gen_random_uuid(), 'slack', 'Legacy', 'https://legacy.example/scim', 'legacy/ref', 1, now(), now())");
            s.execute("commit");
            s.execute("alter table applications drop column scim_credential_ref");
        }
        assertEquals("legacy/ref", ownerQuery("select scim_credential_ref from audit_applications where tenant_id = '"
                + tenant + "' and display_name = 'Legacy'"));
        String app = createApp(rival, "https://api.rival.example/scim");
        assertEquals(200, call(rival, "PATCH", "/apps/" + app, "{\"displayName\":\"Renamed\"}").statusCode());
        assertEquals(204, call(rival, "DELETE", "/apps/" + app, null).statusCode());
        var verified = deployment.run("verify-audit", "--tenant", tenant);
        assertEquals(0, verified.exitCode(), verified.output());
        var whole = deployment.run("verify-audit");
        assertEquals(0, whole.exitCode(), whole.output());
    }
}
