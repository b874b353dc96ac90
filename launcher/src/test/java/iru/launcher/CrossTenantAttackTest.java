package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import iru.foundation.config.IruConfig;
import iru.interfaces.http.Json;
import iru.interfaces.http.ProblemType;
import iru.interfaces.openapi.OpenApiService;
import iru.testkit.LoopbackCatalog;
import iru.testkit.TestDatabases;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.AssertionFailedError;

/**
 * Tenant A's admin key against every route of the tenant API document, aimed at tenant B's resources: B's user,
 * group, application, key, membership and assignments under A's slug (alone and mixed with A's own ids), and B's
 * slug itself. Four tenants, two per region, every ordered pair. Every attempt must be refused (404 under A's slug,
 * 401 under B's slug, as problem+json) and leave every table of every database, and every audit chain head, exactly
 * as it was. The routes come from the document, so a new route is attacked without anyone editing this test.
 *
 * The attack runs twice: through a tenant plane as deployed (runtime role under row-level security), and through
 * one whose database login bypasses row-level security, so the application's own tenant scoping must hold alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossTenantAttackTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    /** Which seeded resource of a tenant fills each path parameter. A new kind must be taught here. */
    private static final Map<String, Function<Seeded, String>> PARAMETER_KINDS = Map.of(
            "tenant", s -> s.tenant().slug(),
            "userId", Seeded::userId,
            "groupId", Seeded::groupId,
            "appId", Seeded::appId,
            "keyId", Seeded::keyId,
            "credentialId", Seeded::credentialId,
            "failureId", Seeded::failureId);

    /** Bodies for operations whose request schema has no `example` to send. */
    private static final Map<String, String> HAND_WRITTEN_BODIES = Map.of(
            "updateApplication", "{\"displayName\":\"Renamed\",\"redirectUris\":[\"https://renamed.example/cb\"],"
                    + "\"scimBaseUrl\":null}");

    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane api;
    static TestDeployment.Plane withoutRowLevelSecurity;
    static JsonNode tenantDoc;
    static List<Seeded> tenants = new ArrayList<>();

    /** A tenant and one of each kind of resource in it; the user is in the group and both are assigned to the app. */
    record Seeded(TestDeployment.TenantWithKey tenant, String region, String userId, String groupId, String appId,
            String keyId, String credentialId, String failureId) {
        String id(String parameter) {
            return PARAMETER_KINDS.get(parameter).apply(this);
        }
    }

    /** One operation of the tenant API document, with the request body it is sent (if it takes one). */
    record Route(String method, String template, List<String> parameters,
            Optional<String> mediaType, Optional<String> body) {
        String name() {
            return method + " " + template;
        }

        /** The path with each parameter taken from the tenant `owners` names for it. */
        String path(Map<String, Seeded> owners) {
            Matcher m = PATH_PARAMETER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(owners.get(m.group(1)).id(m.group(1))));
            }
            return m.appendTail(out).toString();
        }

        List<String> resourceParameters() {
            return parameters.stream().filter(p -> !p.equals("tenant")).toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK, CatalogFeeds.GITHUB);
        deployment = TestDeployment.create("t_cross_tenant");
        TestDeployment.Plane control = deployment.startControlWithCatalog(upstream);
        // The suite fails authentication on purpose well over a thousand times from one address: the failure limit
        // (proven by FailedAuthenticationLimitsTest) would answer 429 before the refusals this suite is about.
        Map<String, String> unlimited = Map.of("IRU_AUTH_FAILURES_PER_SOURCE", "1000000",
                "IRU_AUTH_FAILURES_PER_TENANT", "1000000");
        api = deployment.start(Plane.tenant, unlimited);
        Map<String, String> superuserLogin = new java.util.HashMap<>(unlimited);
        superuserLogin.put("IRU_DB_TENANT_USER", TestDatabases.OWNER);
        superuserLogin.put("IRU_DB_TENANT_PASSWORD", TestDatabases.OWNER_PASSWORD);
        withoutRowLevelSecurity = deployment.start(Plane.tenant, superuserLogin);
        assertFalse(bypassesRowLevelSecurity(Map.of()), "the deployed runtime role");
        assertTrue(bypassesRowLevelSecurity(superuserLogin), "the login of the plane meant to run without RLS");
        tenantDoc = Json.MAPPER.readTree(OpenApiService.load(OpenApiService.TENANT_DOCUMENT));
        for (String[] t : new String[][] {{"atk-us-one", "us"}, {"atk-us-two", "us"}, {"atk-eu-one", "eu"},
                {"atk-eu-two", "eu"}}) {
            tenants.add(seed(TestDeployment.createTenant(control, t[0], t[1]), t[1]));
        }
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    private static boolean bypassesRowLevelSecurity(Map<String, String> overrides) throws Exception {
        String role = IruConfig.from(deployment.environment(overrides)).database().tenantRuntime().user();
        try (Connection c = deployment.databases.connectAsOwner("eu"); var s = c.prepareStatement(
                "select rolsuper or rolbypassrls from pg_roles where rolname = ?")) {
            s.setString(1, role);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), role);
                return rs.getBoolean(1);
            }
        }
    }

    private static Seeded seed(TestDeployment.TenantWithKey tenant, String region) throws Exception {
        String slug = tenant.slug();
        String user = created(tenant, "/users", "{\"userName\":\"seeded\",\"email\":\"seeded@" + slug + ".example\"}");
        created(tenant, "/users", "{\"userName\":\"bystander\",\"email\":\"bystander@" + slug + ".example\"}");
        String group = created(tenant, "/groups", "{\"displayName\":\"Seeded group\"}");
        String app = created(tenant, "/apps", "{\"templateKey\":\"github\",\"displayName\":\"Seeded app\","
                + "\"redirectUris\":[\"https://" + slug + ".example/cb\"]}");
        String key = created(tenant, "/api-keys", "{\"name\":\"seeded key\",\"scopes\":[\"users:read\"]}");
        for (String link : List.of("/groups/" + group + "/members/" + user, "/apps/" + app + "/assignments/users/" + user,
                "/apps/" + app + "/assignments/groups/" + group)) {
            var res = api.as(tenant.key(), "PUT", "/t/" + slug + "/v1" + link, null);
            assertEquals(204, res.statusCode(), link + " -> " + res.body());
        }
        // A passkey needs a WebAuthn ceremony (PasskeySignInTest); its row is all an administrator's route reaches.
        byte[] credential = new byte[32];
        new java.security.SecureRandom().nextBytes(credential);
        String hex = java.util.HexFormat.of().formatHex(credential);
        try (var c = deployment.databases.connectAsOwner(region); var st = c.createStatement()) {
            st.execute("insert into passkeys (tenant_id, credential_id, user_id, public_key_cose, aaguid, backup_eligible,"
                    + " name, created_at) values ('" + tenant.id() + "', '\\x" + hex + "', '" + user + "', '\\xa0',"
                    + " gen_random_uuid(), false, 'seeded', now())");
            st.execute("insert into passkey_counters (tenant_id, credential_id, sign_count, backup_state) values ('"
                    + tenant.id() + "', '\\x" + hex + "', 0, false)");
        }
        // A parked provisioning record, as a downstream that rejected the user would leave it.
        String failure = deployment.queryAsOwner(region, "insert into provisioning_outbox (tenant_id, app_id,"
                + " subject_kind, subject_id, cause, attempts, next_attempt_at, last_error, parked_at, created_at)"
                + " values ('" + tenant.id() + "', '" + app + "', 'user', '" + user + "', 'assignment.added', 1, now(),"
                + " 'rejected: seeded', now(), now()) returning id");
        return new Seeded(tenant, region, user, group, app, key,
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(credential), failure);
    }

    private static String created(TestDeployment.TenantWithKey tenant, String path, String body) throws Exception {
        var res = api.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1" + path, body);
        assertEquals(201, res.statusCode(), path + " -> " + res.body());
        return Json.MAPPER.readTree(res.body()).get("id").asText();
    }

    @Test
    @Order(2)
    void noKeyOfOneTenantReachesAnotherTenantsResourcesThroughAnyRoute() throws Exception {
        List<Route> routes = routes(tenantDoc);
        assertTrue(routes.size() >= 30, "the document lists the tenant API: " + routes);

        // The ids are real: each tenant's own key reads every one of its resources through every read route.
        for (Seeded owner : tenants) {
            for (Route route : routes) {
                if (route.method().equals("GET")) {
                    var res = send(api, route, route.path(everyParameterFrom(route, owner)), owner.tenant().key());
                    assertEquals(200, res.statusCode(), owner.tenant().slug() + " " + route.name() + " -> " + res.body());
                }
            }
        }

        Map<String, String> before = snapshot();
        Map<String, Integer> attemptsPerRoute = new TreeMap<>();
        for (TestDeployment.Plane plane : List.of(api, withoutRowLevelSecurity)) {
            for (Seeded attacker : tenants) {
                for (Seeded victim : tenants) {
                    if (attacker == victim) {
                        continue;
                    }
                    for (Route route : routes) {
                        attemptsPerRoute.merge(route.name(), attack(plane, route, attacker, victim), Integer::sum);
                    }
                }
            }
        }
        assertEquals(before, snapshot(), "an attack changed some database");

        int total = attemptsPerRoute.values().stream().mapToInt(Integer::intValue).sum();
        attemptsPerRoute.forEach((route, n) -> System.out.printf("cross-tenant attempts %5d  %s%n", n, route));
        System.out.printf("cross-tenant attempts %5d  in total, over %d routes, %d tenant pairs and 2 planes%n",
                total, routes.size(), tenants.size() * (tenants.size() - 1));
        assertEquals(routes.size(), attemptsPerRoute.size());

        // The same requests, from each tenant's own key on its own resources, do what they say: the refusals above
        // came from the tenant boundary, not from a malformed request, and the snapshot sees such changes.
        for (Seeded owner : tenants) {
            // Reconciling needs the application's SCIM server to answer (the seeded apps have none, so their own key
            // gets 409); ScimReconciliationTest proves the owner's call works. Other tenants' keys are refused above.
            List<Route> writes = new ArrayList<>(routes.stream().filter(r -> !r.method().equals("GET"))
                    .filter(r -> !r.template().endsWith("/reconcile")).toList());
            // Links before what they link, so every delete still finds its target.
            writes.sort(Comparator.comparing((Route r) -> r.method().equals("DELETE"))
                    .thenComparing(r -> -r.parameters().size())
                    // …and a user's sub-resources (sessions) before the user.
                    .thenComparing(r -> -r.template().length()));
            for (Route route : writes) {
                var res = send(api, route, route.path(everyParameterFrom(route, owner)), owner.tenant().key());
                assertTrue(res.statusCode() / 100 == 2, owner.tenant().slug() + " " + route.name() + " -> "
                        + res.statusCode() + " " + res.body());
            }
        }
        Map<String, String> after = snapshot();
        for (Seeded owner : tenants) {
            String head = owner.region() + " audit chain head of " + owner.tenant().id();
            assertNotEquals(before.get(head), after.get(head), head);
        }
    }

    @Test
    void theRouteGeneratorRefusesWhatItWouldNotKnowHowToAttack() throws Exception {
        ObjectNode unknownKind = tenantDoc.deepCopy();
        ((ObjectNode) unknownKind.get("paths")).set("/t/{tenant}/v1/widgets/{widgetId}",
                Json.MAPPER.readTree("{\"get\":{\"operationId\":\"getWidget\",\"responses\":{}}}"));
        var error = assertThrows(AssertionFailedError.class, () -> routes(unknownKind));
        assertTrue(error.getMessage().contains("{widgetId}"), error.getMessage());

        ObjectNode noBody = tenantDoc.deepCopy();
        ((ObjectNode) noBody.at("/components/schemas/CreateGroup")).remove("example");
        error = assertThrows(AssertionFailedError.class, () -> routes(noBody));
        assertTrue(error.getMessage().contains("createGroup"), error.getMessage());

        ObjectNode publicRoute = tenantDoc.deepCopy();
        ((ObjectNode) publicRoute.at("/paths/~1t~1{tenant}~1v1~1catalog/get")).set("security",
                Json.MAPPER.createArrayNode());
        error = assertThrows(AssertionFailedError.class, () -> routes(publicRoute));
        assertTrue(error.getMessage().contains("GET /t/{tenant}/v1/catalog"), error.getMessage());
    }

    /**
     * Paths that might resolve one tenant in the routing filter and another in the route: dot segments, encoded
     * slashes, case, blanks and NUL in the slug. Whatever each is taken for, A's key must not read or delete B's user.
     */
    @Test
    @Order(1) // before the test whose last step deletes the seeded resources
    void pathTricksDoNotCarryOneTenantsKeyIntoAnother() throws Exception {
        for (Seeded owner : tenants) {
            String path = "/t/" + owner.tenant().slug() + "/v1/users/" + owner.userId();
            assertEquals(200, api.as(owner.tenant().key(), "GET", path, null).statusCode(), path);
        }
        Map<String, String> before = snapshot();
        int attempts = 0;
        for (TestDeployment.Plane plane : List.of(api, withoutRowLevelSecurity)) {
            for (Seeded attacker : tenants) {
                for (Seeded victim : tenants) {
                    if (attacker == victim) {
                        continue;
                    }
                    String a = attacker.tenant().slug();
                    String b = victim.tenant().slug();
                    String user = "/v1/users/" + victim.userId();
                    for (String path : List.of("/t/" + a + "/../" + b + user, "/t/" + a + "/%2e%2e/" + b + user,
                            "/t/" + a + "%2F..%2F" + b + user, "/t/" + a + "/v1/../../" + b + user,
                            "/t/" + b.toUpperCase(Locale.ROOT) + user, "/t/" + b + user + "/", "/t/" + b + "/" + user,
                            "//t/" + b + user, "/t/" + b + "%2F" + user.substring(1), "/t/%20" + b + user,
                            "/t/" + b + "%00" + user)) {
                        for (String method : List.of("GET", "DELETE")) {
                            var res = plane.send(HttpRequest.newBuilder(plane.uri(path))
                                    .header("Authorization", "Bearer " + attacker.tenant().key())
                                    .method(method, HttpRequest.BodyPublishers.noBody()).build());
                            String attempt = method + " " + path + " -> " + res.statusCode() + " " + res.body();
                            // A NUL in the path is refused before routing (StorableTextFilter), as malformed.
                            assertTrue((path.contains("%00") ? Set.of(400) : Set.of(401, 404))
                                    .contains(res.statusCode()), attempt);
                            assertTrue(res.headers().firstValue("content-type").orElse("")
                                    .startsWith("application/problem+json"), attempt);
                            assertTrue(Json.MAPPER.readTree(res.body()).path("type").asText()
                                    .startsWith(ProblemType.BASE_URI), attempt);
                            attempts++;
                        }
                    }
                }
            }
        }
        System.out.printf("path-trick attempts %d%n", attempts);
        assertEquals(before, snapshot(), "a path trick changed some database");
    }

    /**
     * Every way to aim `route` from `attacker` at `victim`: under the attacker's slug, each non-empty subset of the
     * resource ids taken from the victim (the rest from the attacker); and under the victim's slug with the
     * victim's ids. Returns the number of attempts.
     */
    private static int attack(TestDeployment.Plane plane, Route route, Seeded attacker, Seeded victim)
            throws Exception {
        String key = attacker.tenant().key();
        String label = (plane == api ? "" : "(without RLS) ") + attacker.tenant().slug() + " -> "
                + victim.tenant().slug() + " ";
        int attempts = 0;
        List<String> ids = route.resourceParameters();
        for (int mask = 1; mask < 1 << ids.size(); mask++) {
            Map<String, Seeded> owners = everyParameterFrom(route, attacker);
            for (int i = 0; i < ids.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    owners.put(ids.get(i), victim);
                }
            }
            String path = route.path(owners);
            refused(send(plane, route, path, key), ProblemType.NOT_FOUND, label + route.name() + " as " + path);
            attempts++;
        }
        String path = route.path(everyParameterFrom(route, victim));
        refused(send(plane, route, path, key), ProblemType.UNAUTHORIZED, label + route.name() + " as " + path);
        return attempts + 1;
    }

    private static void refused(HttpResponse<String> res, ProblemType expected, String attempt) throws Exception {
        assertEquals(expected.status(), res.statusCode(), attempt + " -> " + res.body());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"),
                attempt + " -> " + res.headers().map());
        assertEquals(expected.uri().toString(), Json.MAPPER.readTree(res.body()).path("type").asText(),
                attempt + " -> " + res.body());
    }

    private static Map<String, Seeded> everyParameterFrom(Route route, Seeded tenant) {
        Map<String, Seeded> owners = new LinkedHashMap<>();
        route.parameters().forEach(p -> owners.put(p, tenant));
        return owners;
    }

    private static HttpResponse<String> send(TestDeployment.Plane plane, Route route, String path, String key)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(plane.uri(path)).header("Authorization", "Bearer " + key);
        if (route.body().isPresent()) {
            request.header("Content-Type", route.mediaType().orElseThrow())
                    .method(route.method(), HttpRequest.BodyPublishers.ofString(route.body().get()));
        } else {
            request.method(route.method(), HttpRequest.BodyPublishers.noBody());
        }
        return plane.send(request.build());
    }

    /**
     * Every tenant-scoped operation of the document. Fails on what this test would not know how to attack: a path
     * parameter of an unknown kind, a required parameter outside the path, a body with neither an example nor a
     * hand-written stand-in, a route under `/t/{tenant}/` not guarded by an API key, or an authenticated route
     * outside `/t/{tenant}/`.
     */
    static List<Route> routes(JsonNode doc) {
        List<Route> routes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode operation = op.getValue();
                if (!path.getKey().startsWith("/t/{tenant}/")) {
                    assertTrue(operation.has("security") && operation.get("security").isEmpty(), name
                            + " is outside /t/{tenant}/ but not public: teach CrossTenantAttackTest how to attack it");
                    continue;
                }
                JsonNode security = operation.has("security") ? operation.get("security") : doc.get("security");
                if (!path.getKey().startsWith("/t/{tenant}/v1/")
                        && (security.toString().equals("[]") || security.toString().equals("[{\"session\":[]}]"))) {
                    // Public metadata (discovery, JWKS), sign-in pages and ceremonies, and session routes: their
                    // cross-tenant attacks (another tenant's credential, session or enrollment link) are in
                    // PasskeySignInTest and SigningKeysTest.
                    continue;
                }
                assertTrue(security.size() == 1 && security.get(0).size() == 1 && security.get(0).has("apiKey"),
                        name + " is not authenticated by an API key alone: teach CrossTenantAttackTest what another"
                        + " tenant's caller should get from it");
                routes.add(route(doc, name, path.getKey(), path.getValue(), operation));
            }
        }
        return routes;
    }

    private static Route route(JsonNode doc, String name, String template, JsonNode pathItem, JsonNode operation) {
        List<String> parameters = new ArrayList<>();
        Matcher m = PATH_PARAMETER.matcher(template);
        while (m.find()) {
            if (!PARAMETER_KINDS.containsKey(m.group(1))) {
                fail("path parameter {" + m.group(1) + "} of " + name + " is of a kind CrossTenantAttackTest does not"
                        + " know: add to PARAMETER_KINDS which seeded resource of a tenant it names");
            }
            parameters.add(m.group(1));
        }
        List<JsonNode> declared = new ArrayList<>();
        pathItem.path("parameters").forEach(p -> declared.add(resolve(doc, p)));
        operation.path("parameters").forEach(p -> declared.add(resolve(doc, p)));
        for (JsonNode p : declared) {
            boolean inPath = p.path("in").asText().equals("path");
            assertEquals(inPath, parameters.contains(p.path("name").asText()), name + " declares " + p);
            assertTrue(inPath || !p.path("required").asBoolean(), name + " requires " + p.path("name").asText()
                    + ": teach CrossTenantAttackTest what to send");
        }
        String operationId = operation.path("operationId").asText();
        if (!operation.has("requestBody")) {
            return new Route(name.split(" ")[0], template, parameters, Optional.empty(), Optional.empty());
        }
        Map.Entry<String, JsonNode> content = operation.get("requestBody").get("content").fields().next();
        JsonNode schema = content.getValue().get("schema");
        String body = Optional.ofNullable(HAND_WRITTEN_BODIES.get(operationId))
                .or(() -> Optional.ofNullable(resolve(doc, schema).get("example")).map(JsonNode::toString))
                .orElseGet(() -> fail(name + " (" + operationId + ") takes a body whose schema has no example:"
                        + " add one to the document or to HAND_WRITTEN_BODIES"));
        try {
            assertEquals(Set.of(), OpenApiResponsesTest.violations(doc, schema, Json.MAPPER.readTree(body)),
                    name + " would be sent an invalid body " + body);
        } catch (java.io.IOException e) {
            throw new AssertionError(name + ": " + body, e);
        }
        return new Route(name.split(" ")[0], template, parameters, Optional.of(content.getKey()),
                Optional.of(body));
    }

    static JsonNode resolve(JsonNode doc, JsonNode node) {
        JsonNode target = node;
        while (target.has("$ref")) {
            JsonNode next = doc;
            for (String part : target.get("$ref").asText().substring(2).split("/")) {
                next = next.path(part);
            }
            target = next;
        }
        return target;
    }

    /**
     * Every table of the directory and both regional databases, as its row count and a digest of its rows, plus the
     * head of every tenant's audit chain: equal snapshots mean nothing was inserted, changed or deleted anywhere.
     */
    static Map<String, String> snapshot() throws Exception {
        Map<String, String> state = snapshot(deployment);
        for (Seeded tenant : tenants) {
            assertTrue(state.containsKey(tenant.region() + " audit chain head of " + tenant.tenant().id()),
                    "no chain head for " + tenant.tenant().slug());
        }
        return state;
    }

    /** The snapshot of every database of {@code deployment}, as {@link #snapshot()} describes. */
    static Map<String, String> snapshot(TestDeployment deployment) throws Exception {
        Map<String, String> state = new TreeMap<>();
        for (String database : List.of("directory", "us", "eu")) {
            try (Connection c = deployment.databases.connectAsOwner(database); Statement s = c.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("select format('%I.%I', n.nspname, c.relname) from pg_class c"
                        + " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p')"
                        + " and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                assertFalse(tables.isEmpty(), database);
                for (String table : tables) {
                    try (ResultSet rs = s.executeQuery("select count(*), md5(coalesce(string_agg(t::text, E'\\n'"
                            + " order by t::text), '')) from " + table + " t")) {
                        rs.next();
                        state.put(database + " " + table, rs.getLong(1) + " rows, " + rs.getString(2));
                    }
                }
                if (!database.equals("directory")) {
                    try (ResultSet rs = s.executeQuery("select tenant_id, last_seq, encode(last_hash, 'hex')"
                            + " from audit_chain_head")) {
                        while (rs.next()) {
                            state.put(database + " audit chain head of " + rs.getString(1),
                                    rs.getLong(2) + " " + rs.getString(3));
                        }
                    }
                }
            }
        }
        return state;
    }
}
