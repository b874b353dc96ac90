package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import iru.interfaces.http.Json;
import iru.interfaces.openapi.OpenApiService;
import iru.testkit.LoopbackCatalog;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live responses of both planes, success and error, validated against the response schemas their OpenAPI
 * documents declare for that operation and status: the documents describe what the server really sends.
 */
class OpenApiResponsesTest {
    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane api;
    static JsonNode tenantDoc;
    static JsonNode controlDoc;

    @BeforeAll
    static void start() throws Exception {
        upstream = LoopbackCatalog.start("catalog-secret");
        upstream.serve(CatalogFeeds.of(CatalogFeeds.SLACK, CatalogFeeds.GITHUB));
        deployment = TestDeployment.create("t_openapi_responses");
        control = deployment.start(Plane.control, Map.of("IRU_CATALOG_URL", upstream.url().toString(),
                "IRU_DEV_CATALOG_TOKEN", "catalog-secret"));
        api = deployment.start(Plane.tenant);
        tenantDoc = Json.MAPPER.readTree(OpenApiService.load(OpenApiService.TENANT_DOCUMENT));
        controlDoc = Json.MAPPER.readTree(OpenApiService.load(OpenApiService.CONTROL_DOCUMENT));
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    /** Validates `res` against the schema `doc` declares for `method` on the route matching its path. */
    static JsonNode conforms(JsonNode doc, String method, HttpResponse<String> res) throws Exception {
        String path = res.uri().getPath();
        JsonNode operation = operation(doc, method.toLowerCase(), path);
        JsonNode response = resolve(doc, operation.path("responses").path(String.valueOf(res.statusCode())));
        assertTrue(!response.isMissingNode(), method + " " + path + " does not document status " + res.statusCode()
                + ": " + res.body());
        if (res.statusCode() == 204) {
            return null;
        }
        String mediaType = res.headers().firstValue("content-type").orElse("").split(";")[0].strip();
        JsonNode schema = response.path("content").path(mediaType).path("schema");
        assertTrue(!schema.isMissingNode(), method + " " + path + " " + res.statusCode() + " documents no " + mediaType);
        JsonNode body = Json.MAPPER.readTree(res.body());
        assertEquals(Set.of(), violations(doc, schema, body), method + " " + path + " " + res.statusCode() + " -> " + res.body());
        return body;
    }

    /** Validates `body` against `schema`, resolving its `#/components/...` references within `doc`. */
    static Set<ValidationMessage> violations(JsonNode doc, JsonNode schema, JsonNode body) {
        ObjectNode root = ((ObjectNode) schema.deepCopy());
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", doc.get("components"));
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root).validate(body);
    }

    @Test
    void theValidatorRejectsBodiesThatBreakTheSchema() throws Exception {
        JsonNode userRef = Json.MAPPER.readTree("{\"$ref\":\"#/components/schemas/User\"}");
        assertTrue(!violations(tenantDoc, userRef, Json.MAPPER.readTree("{\"id\":5}")).isEmpty());
        JsonNode problemRef = Json.MAPPER.readTree("{\"$ref\":\"#/components/schemas/Problem\"}");
        assertTrue(!violations(tenantDoc, problemRef, Json.MAPPER.readTree("{\"title\":\"no type\"}")).isEmpty());
    }

    private static JsonNode operation(JsonNode doc, String method, String path) {
        for (Iterator<String> templates = doc.get("paths").fieldNames(); templates.hasNext(); ) {
            String template = templates.next();
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex) && doc.get("paths").get(template).has(method)) {
                return doc.get("paths").get(template).get(method);
            }
        }
        throw new AssertionError("no documented operation for " + method + " " + path);
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        if (node.has("$ref")) {
            JsonNode target = doc;
            for (String part : node.get("$ref").asText().substring(2).split("/")) {
                target = target.path(part);
            }
            return target;
        }
        return node;
    }

    @Test
    void controlPlaneResponsesMatchTheControlDocument() throws Exception {
        JsonNode created = conforms(controlDoc, "POST", control.admin("POST", "/v1/tenants",
                "{\"slug\":\"schema-co\",\"name\":\"Schema Co\",\"region\":\"eu\"}"));
        String id = created.get("id").asText();
        conforms(controlDoc, "GET", control.admin("GET", "/v1/tenants", null));
        conforms(controlDoc, "GET", control.admin("GET", "/v1/tenants/" + id, null));
        conforms(controlDoc, "POST", control.admin("POST", "/v1/tenants/" + id + "/api-keys", "{}"));
        String webauthn = "/v1/tenants/" + id + "/webauthn";
        conforms(controlDoc, "GET", control.admin("GET", webauthn, null));
        conforms(controlDoc, "PUT", control.admin("PUT", webauthn,
                "{\"rpId\":\"acme.example.com\",\"origins\":[\"https://login.acme.example.com\"]}"));
        conforms(controlDoc, "PUT", control.admin("PUT", webauthn, "{\"rpId\":\"com\",\"origins\":[]}"));
        conforms(controlDoc, "DELETE", control.admin("DELETE", webauthn, null));
        conforms(controlDoc, "POST", control.admin("POST", "/v1/catalog/sync", null));
        conforms(controlDoc, "GET", control.admin("GET", "/v1/catalog", null));
        conforms(controlDoc, "POST", control.admin("POST", "/v1/tenants", "{\"slug\":\"x\",\"name\":\"X\",\"region\":\"us\"}"));
        conforms(controlDoc, "GET", control.as("wrong", "GET", "/v1/tenants", null));
        conforms(controlDoc, "GET", control.admin("GET", "/v1/tenants/not-a-uuid", null));
        conforms(controlDoc, "GET", control.get("/readyz"));
        conforms(controlDoc, "GET", control.get("/livez"));
    }

    @Test
    void tenantApiResponsesMatchTheTenantDocument() throws Exception {
        assertEquals(200, control.admin("POST", "/v1/catalog/sync", null).statusCode());
        var tenant = TestDeployment.createTenant(control, "schema-tenant", "us");
        String base = "/t/schema-tenant/v1";
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/tenant", null));
        JsonNode user = conforms(tenantDoc, "POST", api.as(tenant.key(), "POST", base + "/users",
                "{\"userName\":\"ada\",\"email\":\"ada@schema.example\",\"givenName\":\"Ada\"}"));
        String userId = user.get("id").asText();
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/users?q=ad", null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/users/" + userId, null));
        conforms(tenantDoc, "PATCH", api.as(tenant.key(), "PATCH", base + "/users/" + userId, "{\"familyName\":\"L\"}",
                "If-Match", "\"1\""));
        conforms(tenantDoc, "PATCH", api.as(tenant.key(), "PATCH", base + "/users/" + userId, "{\"familyName\":\"M\"}",
                "If-Match", "\"1\""));
        conforms(tenantDoc, "POST", api.as(tenant.key(), "POST", base + "/users/" + userId + "/deactivate", null));
        JsonNode group = conforms(tenantDoc, "POST", api.as(tenant.key(), "POST", base + "/groups",
                "{\"displayName\":\"Schema Group\"}"));
        String groupId = group.get("id").asText();
        conforms(tenantDoc, "PUT", api.as(tenant.key(), "PUT", base + "/groups/" + groupId + "/members/" + userId, null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/groups/" + groupId + "/members", null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/users/" + userId + "/groups", null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/catalog", null));
        JsonNode app = conforms(tenantDoc, "POST", api.as(tenant.key(), "POST", base + "/apps",
                "{\"templateKey\":\"slack\",\"displayName\":\"Schema Slack\",\"redirectUris\":[\"https://s.example/cb\"]}"));
        String appId = app.get("id").asText();
        conforms(tenantDoc, "PUT", api.as(tenant.key(), "PUT", base + "/apps/" + appId + "/assignments/groups/" + groupId, null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/apps/" + appId + "/assignments", null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/apps/" + appId + "/users", null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/apps", null));
        JsonNode key = conforms(tenantDoc, "POST", api.as(tenant.key(), "POST", base + "/api-keys",
                "{\"name\":\"reader\",\"scopes\":[\"users:read\"]}"));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/api-keys", null));
        conforms(tenantDoc, "POST", api.as(key.get("key").asText(), "POST", base + "/groups", "{\"displayName\":\"No\"}"));
        conforms(tenantDoc, "POST", api.as(tenant.key(), "POST", base + "/users", "{\"userName\":\"ada\",\"email\":\"a@b.example\"}"));
        conforms(tenantDoc, "POST", api.as(tenant.key(), "POST", base + "/users", "{\"userName\":\"x\",\"unknown\":1}"));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", base + "/users/" + java.util.UUID.randomUUID(), null));
        conforms(tenantDoc, "GET", api.as("iruk_nope", "GET", base + "/users", null));
        conforms(tenantDoc, "GET", api.as(tenant.key(), "GET", "/t/no-such-co/v1/users", null));
        conforms(tenantDoc, "DELETE", api.as(tenant.key(), "DELETE", base + "/apps/" + appId, null));
    }
}
