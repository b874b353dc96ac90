package iru.launcher;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import iru.foundation.config.IruConfig;
import iru.foundation.migration.DevBootstrap;
import iru.foundation.migration.SchemaMigrator;
import iru.testkit.TestDatabases;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test fixture: fresh migrated databases and one plane running in this JVM on a free port. */
final class RunningPlane implements AutoCloseable {
    final TestDatabases databases;
    final IruConfig config;
    final PlaneRuntime runtime;
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningPlane(TestDatabases databases, IruConfig config, Plane plane) {
        this.databases = databases;
        this.config = config;
        this.runtime = PlaneRuntime.start(plane, config, List.of(spans));
    }

    static RunningPlane start(String name, Plane plane, Map<String, String> extraEnvironment) {
        TestDatabases databases = TestDatabases.create(name);
        Map<String, String> env = new HashMap<>(databases.environment());
        env.put("IRU_DEV_ROUTES", "true");
        env.putAll(extraEnvironment);
        IruConfig config = migrate(env);
        return new RunningPlane(databases, config, plane);
    }

    static IruConfig migrate(Map<String, String> env) {
        IruConfig config = IruConfig.from(env);
        SchemaMigrator migrator = new SchemaMigrator(config.database(), config.servedRegions(), line -> { });
        new DevBootstrap(config.database(), line -> { }).createRuntimeRole(migrator.targets().getFirst());
        migrator.migrateAll();
        return config;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + runtime.port() + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        runtime.stop();
        databases.close();
    }
}
