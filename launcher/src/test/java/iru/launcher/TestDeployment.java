package iru.launcher;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import iru.foundation.config.IruConfig;
import iru.testkit.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: fresh databases for one test class, migrated with the real `migrate` command, and any number of
 * planes running in this JVM on free ports.
 */
final class TestDeployment implements AutoCloseable {
    static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    /** A fresh key-encryption key per test run for the sealed signing keys (`signing-kek`). */
    static final String SIGNING_KEK = newKek();

    final TestDatabases databases;
    final Map<String, String> environment;
    private final List<PlaneRuntime> planes = new ArrayList<>();

    private TestDeployment(TestDatabases databases, Map<String, String> environment) {
        this.databases = databases;
        this.environment = environment;
    }

    static TestDeployment create(String name) {
        TestDatabases databases = TestDatabases.create(name);
        Map<String, String> env = new HashMap<>(databases.environment());
        env.put("IRU_DEV_ROUTES", "true");
        env.put("IRU_DEV_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("IRU_DEV_SIGNING_KEK", SIGNING_KEK);
        env.put("IRU_TRACE_SAMPLE_RATIO", "1.0"); // tests look at the spans of every request
        TestDeployment deployment = new TestDeployment(databases, env);
        CommandResult migrate = deployment.run("migrate", "--seed");
        if (migrate.exitCode() != 0) {
            throw new IllegalStateException("migrate failed:\n" + migrate.output());
        }
        return deployment;
    }

    static String newKek() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(overrides);
        return env;
    }

    Plane start(iru.launcher.Plane plane) {
        return start(plane, Map.of());
    }

    Plane start(iru.launcher.Plane plane, Map<String, String> overrides) {
        IruConfig config = IruConfig.from(environment(overrides));
        return start(plane, config, Secrets.store(config));
    }

    /**
     * A control plane that reads application templates from `upstream`, already synced, so the tenant plane can
     * create applications from them at once.
     */
    Plane startControlWithCatalog(iru.testkit.LoopbackCatalog upstream) throws IOException, InterruptedException {
        return startControlWithCatalog(upstream, Map.of());
    }

    /** The same, with `overrides` on top of this deployment's environment. */
    Plane startControlWithCatalog(iru.testkit.LoopbackCatalog upstream, Map<String, String> overrides)
            throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(overrides);
        env.put("IRU_CATALOG_URL", upstream.url().toString());
        env.put("IRU_DEV_CATALOG_TOKEN", CatalogFeeds.TOKEN);
        Plane control = start(iru.launcher.Plane.control, env);
        HttpResponse<String> synced = control.admin("POST", "/v1/catalog/sync", null);
        if (synced.statusCode() != 200) {
            throw new IllegalStateException("catalog sync answered " + synced.statusCode() + ": " + synced.body());
        }
        return control;
    }

    /** A plane whose secret store the test holds, to see what was written to it. */
    Plane start(iru.launcher.Plane plane, IruConfig config, iru.foundation.secrets.SecretStore secrets) {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        PlaneRuntime runtime = PlaneRuntime.start(plane, config, List.of(spans), secrets);
        planes.add(runtime);
        return new Plane(runtime, spans);
    }

    /** A plane whose provisioning workers deliver with `delivery` (or, `workersOnly`, an `iru workers` process). */
    Plane start(iru.launcher.Plane plane, Map<String, String> overrides,
            iru.application.provisioning.ProvisioningDelivery delivery, boolean workersOnly) {
        IruConfig config = IruConfig.from(environment(overrides));
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        PlaneRuntime runtime = PlaneRuntime.start(plane, config, List.of(spans), Secrets.store(config),
                (workersRouter, telemetry, orm, errors) -> java.util.Optional.of(PlaneWiring.WiredDelivery.of(delivery)),
                workersOnly);
        planes.add(runtime);
        return new Plane(runtime, spans);
    }

    /** A tenant plane and the origin browsers reach it at. */
    record OnLocalhost(Plane plane, String origin) {
    }

    /**
     * A tenant plane at `http://localhost:<free port>`, that origin allowed for WebAuthn and used in its links:
     * browsers treat http://localhost as a secure context, so passkeys and `__Host-` cookies work without TLS.
     */
    OnLocalhost startTenantOnLocalhost() throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String origin = "http://localhost:" + port;
        return new OnLocalhost(start(iru.launcher.Plane.tenant, Map.of("IRU_HTTP_PORT", Integer.toString(port),
                "IRU_WEBAUTHN_ORIGINS", origin, "IRU_WEBAUTHN_RP_ID", "localhost", "IRU_PUBLIC_BASE_URL", origin)),
                origin);
    }

    record CommandResult(int exitCode, String output) {
    }

    /** Runs an `iru` subcommand in this JVM against these databases. */
    CommandResult run(String... args) {
        return runWith(Map.of(), args);
    }

    CommandResult runWith(Map<String, String> overrides, String... args) {
        StringWriter out = new StringWriter();
        var cli = Main.commandLine(environment(overrides));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int code = cli.execute(args);
        return new CommandResult(code, out.toString());
    }

    /** The first column of the first row of `sql`, run as the schema owner (past row-level security) in `kind`. */
    String queryAsOwner(String kind, String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = databases.connectAsOwner(kind);
             java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Creates a tenant through the control plane and returns its id and first (admin) API key. */
    static TenantWithKey createTenant(Plane control, String slug, String region) throws Exception {
        var created = control.admin("POST", "/v1/tenants",
                "{\"slug\":\"" + slug + "\",\"name\":\"" + slug + "\",\"region\":\"" + region + "\"}");
        if (created.statusCode() != 201) {
            throw new IllegalStateException(created.body());
        }
        String id = iru.interfaces.http.Json.MAPPER.readTree(created.body()).get("id").asText();
        var key = control.admin("POST", "/v1/tenants/" + id + "/api-keys", "{}");
        if (key.statusCode() != 201) {
            throw new IllegalStateException(key.body());
        }
        return new TenantWithKey(id, slug, iru.interfaces.http.Json.MAPPER.readTree(key.body()).get("key").asText());
    }

    record TenantWithKey(String id, String slug, String key) {
    }

    @Override
    public void close() {
        planes.forEach(PlaneRuntime::stop);
        databases.close();
    }

    /** One running plane and the spans it produced. */
    record Plane(PlaneRuntime runtime, InMemorySpanExporter spans) {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + runtime.port() + path);
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri(path)).GET().build());
        }

        HttpResponse<String> admin(String method, String path, String jsonBody, String... headers)
                throws IOException, InterruptedException {
            return as(ADMIN_TOKEN, method, path, jsonBody, headers);
        }

        /** A request with `Authorization: Bearer <bearer>` and, if given, a JSON body. */
        HttpResponse<String> as(String bearer, String method, String path, String jsonBody, String... headers)
                throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                    .header("Authorization", "Bearer " + bearer)
                    .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(jsonBody));
            if (jsonBody != null && java.util.Arrays.stream(headers).noneMatch("Content-Type"::equalsIgnoreCase)) {
                request.header("Content-Type", "application/json");
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return send(request.build());
        }

        HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
