package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import iru.interfaces.health.HealthService;
import iru.interfaces.health.MetricsService;
import iru.interfaces.http.Json;
import iru.domain.apikey.Scope;
import iru.interfaces.openapi.OpenApiService;
import iru.interfaces.openapi.RouteSecurity;
import iru.interfaces.signin.SessionAuthenticator;
import iru.interfaces.tenant.ApiKeyAuthenticator;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Keeps the OpenAPI documents true: every route a plane registers is documented with its method, and every
 * documented operation is a route the plane serves.
 */
class OpenApiContractTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    /** Registers the services against a recording stand-in for Helidon's rules. */
    static Set<String> routesOf(List<HttpService> services) {
        Set<String> routes = new TreeSet<>();
        HttpRules[] recorder = new HttpRules[1];
        recorder[0] = (HttpRules) Proxy.newProxyInstance(HttpRules.class.getClassLoader(), new Class<?>[] {HttpRules.class},
                (proxy, method, args) -> {
                    if (METHODS.contains(method.getName()) && args != null && args.length > 0 && args[0] instanceof String path) {
                        routes.add(method.getName().toUpperCase() + " " + path.replaceAll("\\{[^}]+}", "{}"));
                        return proxy;
                    }
                    throw new AssertionError("a service used HttpRules." + method.getName() + "; teach this test about it");
                });
        services.forEach(service -> service.routing(recorder[0]));
        return routes;
    }

    static Set<String> documented(String resource) throws Exception {
        JsonNode doc = Json.MAPPER.readTree(OpenApiService.load(resource));
        assertEquals("3.1.0", doc.get("openapi").asText());
        Set<String> operations = new TreeSet<>();
        for (Iterator<String> paths = doc.get("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            for (Iterator<String> methods = doc.get("paths").get(path).fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (METHODS.contains(method)) {
                    operations.add(method.toUpperCase() + " " + path.replaceAll("\\{[^}]+}", "{}"));
                }
            }
        }
        return operations;
    }

    private static List<HttpService> common() {
        List<HttpService> services = new ArrayList<>();
        services.add(new HealthService(null, null));
        services.add(new MetricsService(null));
        return services;
    }

    @Test
    void controlApiDocumentMatchesTheControlPlanesRoutes() throws Exception {
        List<HttpService> services = common();
        services.addAll(PlaneWiring.controlServices(null, null, null, null, null));
        assertEquals(documented(OpenApiService.CONTROL_DOCUMENT), routesOf(services));
    }

    @Test
    void tenantApiDocumentMatchesTheTenantPlanesRoutes() throws Exception {
        List<HttpService> services = common();
        services.addAll(PlaneWiring.tenantServices(null, null, null, null, null, null, null, null, null, null));
        services.addAll(PlaneWiring.signInServices(null, null, null, null));
        services.addAll(PlaneWiring.oidcServices(null, null, null, null, null, null));
        services.addAll(PlaneWiring.provisioningServices(null));
        Set<String> routes = routesOf(services);
        assertTrue(routes.size() > 30, routes.toString());
        assertEquals(documented(OpenApiService.TENANT_DOCUMENT), routes);
    }

    /**
     * Every operation declares how it is authenticated, and the declaration is one the plane enforces: the tenant
     * plane's filter reads `security` per operation, the control plane's guards `/v1/**` with the admin token.
     */
    @Test
    void everyRouteDeclaresItsAuthenticationAndThePlaneEnforcesThatDeclaration() throws Exception {
        RouteSecurity tenant = RouteSecurity.of(OpenApiService.TENANT_DOCUMENT); // throws on an undeclared route
        Set<String> knownScopes = new TreeSet<>();
        for (Scope scope : Scope.values()) {
            knownScopes.add(scope.wire());
        }
        for (RouteSecurity.Operation operation : tenant.operations()) {
            String name = operation.method() + " " + operation.template();
            if (!operation.template().startsWith("/t/{tenant}/")) {
                assertTrue(operation.requirement().isPublic(), name + " is outside /t/{tenant}/, where no filter runs:"
                        + " it must be public");
                continue;
            }
            if (operation.requirement().scheme().filter(ApiKeyAuthenticator.SCHEME::equals).isPresent()) {
                assertTrue(operation.requirement().scopes().size() <= 1, name + " may name at most one scope");
                assertTrue(knownScopes.containsAll(operation.requirement().scopes()), name + " names an unknown scope");
            }
        }
        assertEquals(Set.of(ApiKeyAuthenticator.SCHEME, SessionAuthenticator.SCHEME), tenant.schemes(),
                "a new scheme needs its authenticator wired in PlaneWiring.tenant and an entry here");
        JsonNode control = Json.MAPPER.readTree(OpenApiService.load(OpenApiService.CONTROL_DOCUMENT));
        for (Iterator<String> paths = control.get("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            for (Iterator<String> methods = control.get("paths").get(path).fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (!METHODS.contains(method)) {
                    continue;
                }
                JsonNode operation = control.get("paths").get(path).get(method);
                JsonNode security = operation.has("security") ? operation.get("security") : control.get("security");
                String name = method.toUpperCase() + " " + path;
                if (path.startsWith("/v1/")) {
                    assertEquals("[{\"adminToken\":[]},{\"operatorSignature\":[]}]", security.toString(), name
                            + ": AdminAuthenticationFilter guards every /v1/ route with the admin token or a signature");
                } else {
                    assertEquals("[]", security.toString(), name + " is outside /v1/, which no filter guards");
                }
            }
        }
    }

    @Test
    void everyProblemTypeIsDocumentedInBothDocuments() throws Exception {
        for (String resource : List.of(OpenApiService.TENANT_DOCUMENT, OpenApiService.CONTROL_DOCUMENT)) {
            String listed = Json.MAPPER.readTree(OpenApiService.load(resource)).get("x-problem-types").toString();
            for (var type : iru.interfaces.http.ProblemType.values()) {
                assertTrue(listed.contains(type.uri().toString()), resource + " lacks " + type.uri());
            }
        }
    }

    @Test
    void eachPlaneServesItsDocumentAtSlashOpenapi() throws Exception {
        try (TestDeployment deployment = TestDeployment.create("t_openapi")) {
            var tenant = deployment.start(Plane.tenant).get("/openapi");
            assertEquals(200, tenant.statusCode());
            assertEquals("Iru Identity tenant API", Json.MAPPER.readTree(tenant.body()).get("info").get("title").asText());
            var control = deployment.start(Plane.control).get("/openapi");
            assertEquals("Iru Identity control API", Json.MAPPER.readTree(control.body()).get("info").get("title").asText());
        }
    }
}
