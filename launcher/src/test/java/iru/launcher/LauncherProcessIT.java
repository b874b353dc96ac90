package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real distribution, started as an operator would: `bin/iru ...` on the module path. */
class LauncherProcessIT {
    static TestDatabases databases;
    static Map<String, String> env;

    @BeforeAll
    static void migrateWithTheDistribution() throws Exception {
        databases = TestDatabases.create("t_launcher_process");
        env = new HashMap<>(databases.environment());
        env.put("IRU_DEV_ROUTES", "true");
        env.put("IRU_DEV_SIGNING_KEK", TestDeployment.newKek());
        DistributionProcess migrate = DistributionProcess.run(env, "migrate");
        assertEquals(0, migrate.process.exitValue(), migrate.output());
        assertTrue(migrate.output().contains("applied V1__region_identity.sql"), migrate.output());
        assertTrue(migrate.output().contains("migrate: done"), migrate.output());
    }

    @AfterAll
    static void drop() {
        databases.close();
    }

    @Test
    void sigtermDuringSlowRequestCompletesItThenStopsInOrderWithExitZero() throws Exception {
        try (DistributionProcess plane = DistributionProcess.start(env, "--plane=tenant")) {
            int port = plane.awaitPort(Duration.ofSeconds(30));
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dev/sleep?ms=2500")).build(),
                    HttpResponse.BodyHandlers.ofString());
            waitForLine(plane, "/dev/sleep", false); // not logged until done; give the request time to arrive
            Thread.sleep(700);
            plane.process.destroy(); // SIGTERM
            HttpResponse<String> response = slow.get(20, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(plane.process.waitFor(30, TimeUnit.SECONDS), "did not exit:\n" + plane.output());
            assertEquals(0, plane.process.exitValue(), plane.output());
            List<String> order = List.of("shutdown.signal", "shutdown.begin", "\"path\":\"/dev/sleep\"",
                    "shutdown.requests-drained", "shutdown.server-stopped", "shutdown.workers-stopped",
                    "shutdown.tracing-flushed", "shutdown.errors-flushed", "shutdown.pools-closed", "shutdown.complete");
            int previous = -1;
            for (String step : order) {
                int index = plane.indexOf(step);
                assertTrue(index > previous, step + " out of order or missing:\n" + plane.output());
                previous = index;
            }
            String access = plane.lines().get(plane.indexOf("\"path\":\"/dev/sleep\""));
            assertTrue(access.contains("\"trace_id\":\"") && access.contains("\"span_id\":\""), access);
        }
    }

    private static void waitForLine(DistributionProcess plane, String fragment, boolean required) throws Exception {
        for (int i = 0; i < 20 && plane.indexOf(fragment) < 0; i++) {
            Thread.sleep(10);
        }
        if (required) {
            assertTrue(plane.indexOf(fragment) >= 0, fragment);
        }
    }

    @Test
    void freshStartFailsFastWithClearMessageWhenADatabaseIsUnreachable() throws Exception {
        Map<String, String> unreachable = new HashMap<>(env);
        unreachable.put("IRU_DB_US_URL", "jdbc:postgresql://127.0.0.1:1/iru_us");
        unreachable.put("IRU_DB_TENANT_PASSWORD", "do-not-print-me");
        long started = System.nanoTime();
        DistributionProcess plane = DistributionProcess.run(unreachable, "--plane=tenant");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertNotEquals(0, plane.process.exitValue());
        assertTrue(seconds < 10, "took " + seconds + "s");
        String out = plane.output();
        assertTrue(out.contains("iru: cannot use the region us (us-east-2) database at 127.0.0.1:1/iru_us"), out);
        assertFalse(out.contains("do-not-print-me"), out);
    }

    @Test
    void planeRefusesToStartWhenAnAppliedMigrationChanged() throws Exception {
        try (Connection c = databases.connectAsOwner("directory"); Statement s = c.createStatement()) {
            s.execute("update flyway_schema_history set checksum = checksum + 7 where version = '1'");
        }
        try {
            DistributionProcess plane = DistributionProcess.run(env, "--plane=control");
            assertNotEquals(0, plane.process.exitValue());
            assertTrue(plane.output().contains("V1__tenant_directory.sql"), plane.output());
            DistributionProcess migrate = DistributionProcess.run(env, "migrate");
            assertNotEquals(0, migrate.process.exitValue());
            assertTrue(migrate.output().contains("V1__tenant_directory.sql"), migrate.output());
        } finally {
            try (Connection c = databases.connectAsOwner("directory"); Statement s = c.createStatement()) {
                s.execute("update flyway_schema_history set checksum = checksum - 7 where version = '1'");
            }
        }
    }

    @Test
    void badUsageAndBadConfigurationExitNonZeroWithOneLine() throws Exception {
        DistributionProcess usage = DistributionProcess.run(env, "--plane=sideways");
        assertEquals(2, usage.process.exitValue());
        assertEquals(1, usage.lines().size(), usage.output());
        assertTrue(usage.output().startsWith("iru: Invalid value for option '--plane'"), usage.output());

        Map<String, String> badPool = new HashMap<>(env);
        badPool.put("IRU_POOL_MAX", "many");
        DistributionProcess config = DistributionProcess.run(badPool, "--plane=tenant");
        assertNotEquals(0, config.process.exitValue());
        assertTrue(config.output().contains("IRU_POOL_MAX"), config.output());

        Map<String, String> devInProduction = new HashMap<>(env);
        devInProduction.put("IRU_ENV", "production"); // with the bundled dev secret store
        DistributionProcess production = DistributionProcess.run(devInProduction, "--plane=tenant");
        assertNotEquals(0, production.process.exitValue());
        assertEquals(1, production.lines().size(), production.output());
        assertTrue(production.output().contains("IRU_SECRETS") && production.output().contains("IRU_ENV=production"),
                production.output());

        for (String command : List.of("--help", "migrate --help", "verify-audit --help")) {
            DistributionProcess help = DistributionProcess.run(env, command.split(" "));
            assertEquals(0, help.process.exitValue(), command);
            assertTrue(help.output().contains("Usage:"), help.output());
        }
    }

    @Test
    void theAotCacheTrainedByTheBuildIsUsedAndTheDistributionStartsWithoutIt() throws Exception {
        java.nio.file.Path cache = DistributionProcess.home().resolve("iru.aot");
        assertTrue(java.nio.file.Files.isRegularFile(cache) && java.nio.file.Files.size(cache) > 1_000_000,
                "mvn package trains an AOT cache when PostgreSQL answers, as it does for this test");
        assertTrue(loadsOurClassesFromTheAotCache(env), "bin/iru starts from the AOT cache when it is present");
        Map<String, String> without = new HashMap<>(env);
        without.put("IRU_AOT", "off"); // as if absent: bin/iru passes no -XX:AOTCache
        assertFalse(loadsOurClassesFromTheAotCache(without), "IRU_AOT=off starts without the cache");
    }

    /**
     * Starts the tenant plane with class loading logged and tells whether our own classes (module path, not the JDK,
     * which the jlink runtime's default CDS archive covers) came from the AOT cache ("source: shared objects file").
     */
    private static boolean loadsOurClassesFromTheAotCache(Map<String, String> environment) throws Exception {
        java.nio.file.Path classes = java.nio.file.Files.createTempFile("iru-class-load", ".log");
        Map<String, String> logged = new HashMap<>(environment);
        logged.put("IRU_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        try (DistributionProcess plane = DistributionProcess.start(logged, "--plane=tenant")) {
            plane.awaitPort(Duration.ofSeconds(60));
            assertFalse(plane.output().contains("[aot"), "AOT diagnostics stay off the JSON log:\n" + plane.output());
            // Library INFO chatter stays quieted with and without the cache (the quieted loggers are held strongly).
            assertFalse(plane.output().contains("Hibernate ORM core version"), plane.output());
            String loaded = java.nio.file.Files.readString(classes);
            assertTrue(loaded.contains("iru.launcher.PlaneRuntime source:"), "class loading was logged");
            return loaded.contains("iru.launcher.PlaneRuntime source: shared objects file");
        } finally {
            java.nio.file.Files.deleteIfExists(classes);
        }
    }

    @Test
    void verifyAuditChecksEveryDatabase() throws Exception {
        DistributionProcess verify = DistributionProcess.run(env, "verify-audit");
        assertEquals(0, verify.process.exitValue(), verify.output());
        assertTrue(verify.output().contains("region eu"), verify.output());
    }
}
