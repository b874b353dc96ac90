package iru.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import iru.testkit.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL cluster the tests run against, stopped and started with Debian's `pg_ctlcluster`. Stopping it
 * breaks every other test that uses it at that moment: this is safe only because every Maven run on a shared machine
 * holds `flock /tmp/iru-maven.lock` (see the README's Tests section).
 */
final class LocalPostgres {
    static final Path PG_CTLCLUSTER = Path.of("/usr/bin/pg_ctlcluster");

    private final String version;
    private final String cluster;
    private volatile boolean stopped;
    private final Thread restartOnExit = new Thread(this::startQuietly, "pg-restart-on-exit");

    private LocalPostgres(String version, String cluster) {
        this.version = version;
        this.cluster = cluster;
    }

    /**
     * The cluster behind {@link TestDatabases#HOST}, if this process can stop and start it. If not, prints why and
     * skips the test; with `CI=true` and `pg_ctlcluster` installed it fails instead, since CI should run the test.
     */
    static LocalPostgres controllable() {
        Optional<String> cannot = whyNotControllable();
        if (cannot.isEmpty()) {
            return cluster().orElseThrow();
        }
        String message = "PostgreSQL restart test not run: " + cannot.get();
        System.out.println(message);
        if ("true".equalsIgnoreCase(System.getenv("CI")) && Files.isExecutable(PG_CTLCLUSTER)) {
            fail(message + " (CI=true and pg_ctlcluster is installed, so this is not skipped)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static Optional<String> whyNotControllable() {
        String host = TestDatabases.HOST.replaceFirst(":\\d+$", "");
        if (!List.of("127.0.0.1", "localhost", "[::1]").contains(host)) {
            return Optional.of("IRU_TEST_PG (" + TestDatabases.HOST + ") is not a local PostgreSQL");
        }
        if (!Files.isExecutable(PG_CTLCLUSTER)) {
            return Optional.of(PG_CTLCLUSTER + " is not installed (Debian/Ubuntu postgresql-common)");
        }
        String user = System.getProperty("user.name");
        if (!user.equals("root") && !user.equals("postgres")) {
            return Optional.of("pg_ctlcluster needs root or the cluster owner, and this runs as " + user);
        }
        if (cluster().isEmpty()) {
            return Optional.of("the server's cluster_name is not <version>/<cluster> (not a pg_ctlcluster cluster)");
        }
        return Optional.empty();
    }

    /** Debian's clusters name themselves `<version>/<cluster>` in `cluster_name`. */
    private static Optional<LocalPostgres> cluster() {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + TestDatabases.HOST + "/postgres",
                TestDatabases.OWNER, TestDatabases.OWNER_PASSWORD);
             ResultSet rs = c.createStatement().executeQuery("show cluster_name")) {
            rs.next();
            String[] name = rs.getString(1).split("/");
            return name.length == 2 && name[0].matches("\\d+") && name[1].matches("[a-z0-9_-]+")
                    ? Optional.of(new LocalPostgres(name[0], name[1])) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Stops the cluster (fast mode: sessions are ended); if this JVM exits before {@link #start}, it starts it. */
    void stop() throws Exception {
        Runtime.getRuntime().addShutdownHook(restartOnExit);
        stopped = true;
        control("stop");
    }

    /** Starts the cluster and waits until it accepts connections. */
    void start() throws Exception {
        control("start");
        stopped = false;
        Runtime.getRuntime().removeShutdownHook(restartOnExit);
    }

    /** For `finally` blocks: starts the cluster if this object stopped it. */
    void ensureStarted() throws Exception {
        if (stopped) {
            start();
        }
    }

    private void startQuietly() {
        if (stopped) {
            try {
                control("start");
            } catch (Exception e) {
                System.err.println("could not start PostgreSQL again: " + e);
            }
        }
    }

    private void control(String action) throws IOException, InterruptedException {
        Path log = Files.createTempFile("pg_ctlcluster", ".log");
        try {
            Process p = new ProcessBuilder(PG_CTLCLUSTER.toString(), "--skip-systemctl-redirect", version, cluster,
                    action).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("pg_ctlcluster " + action + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("pg_ctlcluster " + action + " exited with " + p.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + "/" + cluster;
    }
}
