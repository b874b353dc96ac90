package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.testkit.TestDatabases;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container's promises without a container engine: the Dockerfile's own ENTRYPOINT and HEALTHCHECK, run from the
 * jlink runtime as the image's non-root user, in a private mount namespace whose root filesystem is read-only and
 * whose only writable path is a tmpfs on /tmp, as with `docker run --read-only --tmpfs /tmp`. Needs root (CI is).
 */
class RuntimeImageIT {
    static final int IMAGE_UID = 65532;
    static TestDatabases databases;
    static Map<String, String> env;
    static Dockerfile dockerfile;

    @BeforeAll
    static void migrate() throws Exception {
        databases = TestDatabases.create("t_runtime_image");
        env = new HashMap<>(databases.environment());
        env.put("IRU_DEV_SIGNING_KEK", TestDeployment.newKek());
        env.put("IRU_DEV_ADMIN_TOKEN", "runtime-image-admin-token");
        assertEquals(0, DistributionProcess.run(env, "migrate").process.exitValue());
        dockerfile = Dockerfile.read(DockerfileTest.DOCKERFILE);
    }

    @AfterAll
    static void drop() {
        databases.close();
    }

    @Test
    void theRuntimeHoldsEveryJdkModuleTheModulePathRequires() throws Exception {
        Path home = DistributionProcess.home();
        Set<String> linked = runtimeModules(home);
        assertTrue(linked.contains("java.base") && !linked.contains("jdk.compiler") && !linked.contains("java.net.http"),
                "a minimal runtime, not the JDK: " + linked);
        Set<String> missing = new TreeSet<>();
        for (ModuleReference module : ModuleFinder.of(home.resolve("lib")).findAll()) {
            for (ModuleDescriptor.Requires requires : module.descriptor().requires()) {
                String name = requires.name();
                boolean jdk = name.startsWith("java.") || name.startsWith("jdk.");
                if (jdk && !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                        && !linked.contains(name)) {
                    missing.add(module.descriptor().name() + " requires " + name);
                }
            }
        }
        assertEquals(Set.of(), missing, "add these to iru.jdkModules in launcher/pom.xml");
        assertTrue(Files.isRegularFile(home.resolve("runtime/lib/server/classes.jsa")), "the runtime's CDS archive");
    }

    @Test
    void bothPlanesServeReadOnlyAsTheImageUserAndStopCleanly() throws Exception {
        for (Plane plane : Plane.values()) {
            Path home = readOnlyHome();
            try (DistributionProcess process = DistributionProcess.command(imageEnvironment(home),
                    confined(replaceInstallPath(entrypoint(), "--plane=" + plane)))) {
                long started = System.nanoTime();
                int port = process.awaitPort(Duration.ofSeconds(40));
                HttpClient http = HttpClient.newHttpClient();
                assertEquals(200, get(http, port, "/livez").statusCode(), process.output());
                HttpResponse<String> ready = get(http, port, "/readyz");
                long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertEquals(200, ready.statusCode(), ready.body());
                System.out.printf("runtime image: %s plane ready in %d ms (jlink runtime, read-only root, uid %d)%n",
                        plane, readyMillis, IMAGE_UID);

                long pid = process.process.pid();
                String status = Files.readString(Path.of("/proc", String.valueOf(pid), "status"));
                assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+" + IMAGE_UID + "\\s+" + IMAGE_UID + ".*")),
                        status);
                assertTrue(status.lines().anyMatch(l -> l.matches("Gid:\\s+" + IMAGE_UID + "\\s+" + IMAGE_UID + ".*")),
                        status);
                assertTrue(status.lines().anyMatch(l -> l.matches("CapEff:\\s+0+")), status);
                assertTrue(rootIsReadOnly(pid), "the plane's root filesystem is mounted read-only");
                String exe = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "exe")).toString();
                assertEquals(DistributionProcess.home().toRealPath().resolve("runtime/bin/java").toString(), exe);

                Map<String, String> probeEnv = imageEnvironment(home);
                probeEnv.put("IRU_HTTP_PORT", String.valueOf(port));
                assertEquals(0, healthcheck(probeEnv), "HEALTHCHECK on a serving plane");

                process.process.destroy(); // SIGTERM, as `docker stop`
                assertTrue(process.process.waitFor(30, TimeUnit.SECONDS), process.output());
                assertEquals(0, process.process.exitValue(), process.output());
                assertTrue(process.indexOf("shutdown.complete") >= 0, process.output());
                for (String sign : List.of("Read-only file system", "hsperfdata", "Permission denied",
                        "AccessDeniedException")) {
                    assertFalse(process.output().contains(sign), sign + ":\n" + process.output());
                }
                assertEquals(1, healthcheck(probeEnv), "HEALTHCHECK once the plane is gone");
            } finally {
                Files.deleteIfExists(home);
            }
        }
    }

    @Test
    void theConfinementIsRealAWriteOutsideTmpFails() throws Exception {
        // The same confinement the planes run under refuses a write to the installation, HOME and the root, and
        // allows one to /tmp: so the planes above wrote nowhere else.
        Path home = readOnlyHome();
        try {
            Path install = DistributionProcess.home().toRealPath();
            String script = "for p in '" + install + "/x' '" + home + "/x' /x; do if : > \"$p\"; then echo wrote $p; fi; done;"
                    + " : > /tmp/x && echo tmp-writable; id -u";
            DistributionProcess probe = DistributionProcess.command(imageEnvironment(home),
                    confined(List.of("bash", "-c", script)));
            assertTrue(probe.process.waitFor(30, TimeUnit.SECONDS));
            String output = probe.output();
            assertFalse(output.contains("wrote"), output);
            assertTrue(output.contains("tmp-writable") && output.contains(String.valueOf(IMAGE_UID)), output);
            assertFalse(Files.exists(install.resolve("x")) || Files.exists(home.resolve("x")));
        } finally {
            Files.deleteIfExists(home);
        }
    }

    @Test
    void healthcheckFailsWhenNothingAnswers() throws Exception {
        Map<String, String> probeEnv = new HashMap<>(env);
        probeEnv.put("IRU_HTTP_PORT", "1");
        DistributionProcess probe = DistributionProcess.run(probeEnv, "healthcheck");
        assertNotEquals(0, probe.process.exitValue(), probe.output());
        assertTrue(probe.output().contains("unhealthy on port 1"), probe.output());
    }

    private static int healthcheck(Map<String, String> probeEnv) throws Exception {
        List<String> command = dockerfile.last("HEALTHCHECK").flatMap(Dockerfile.Instruction::execForm).orElseThrow();
        DistributionProcess probe = DistributionProcess.command(probeEnv, confined(replaceInstallPath(command)));
        assertTrue(probe.process.waitFor(30, TimeUnit.SECONDS), probe.output());
        return probe.process.exitValue();
    }

    private static List<String> entrypoint() {
        return dockerfile.last("ENTRYPOINT").flatMap(Dockerfile.Instruction::execForm).orElseThrow();
    }

    /** The image's paths (/opt/iru) mapped onto the built distribution, which the image copies there unchanged. */
    private static List<String> replaceInstallPath(List<String> command, String... args) throws Exception {
        String install = DistributionProcess.home().toRealPath().toString();
        List<String> replaced = new ArrayList<>();
        for (String part : command) {
            replaced.add(part.replace("/opt/iru", install));
        }
        replaced.addAll(List.of(args));
        return replaced;
    }

    /**
     * Wraps a command: a private mount namespace, a fresh tmpfs on /tmp, the root filesystem remounted read-only,
     * then the image's UID and GID with no supplementary groups, no capabilities and no new privileges.
     */
    private static List<String> confined(List<String> command) throws Exception {
        // The build output (the distribution and the test HOME) may itself live under /tmp (a checkout in /tmp), which
        // the fresh tmpfs would hide: it is stashed on /mnt first and bound back at its own path afterwards.
        String target = DistributionProcess.home().toRealPath().getParent().toString();
        String script = "set -e; mkdir -p /mnt; mount --bind \"$IRU_CONFINED_TARGET\" /mnt;"
                + " mount -t tmpfs -o size=256m,mode=1777 tmpfs /tmp;"
                + " mkdir -p \"$IRU_CONFINED_TARGET\"; mount --bind /mnt \"$IRU_CONFINED_TARGET\"; umount /mnt;"
                + " mount -o remount,bind,ro \"$IRU_CONFINED_TARGET\"; mount -o remount,bind,ro /;"
                + " unset IRU_CONFINED_TARGET;"
                + " exec setpriv --reuid=" + IMAGE_UID + " --regid=" + IMAGE_UID
                + " --clear-groups --bounding-set=-all --inh-caps=-all --no-new-privs \"$@\"";
        List<String> wrapped = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "env", "IRU_CONFINED_TARGET=" + target, "bash", "-c", script, "confined"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The environment a task gives the container: configuration only, HOME a directory the user cannot write. */
    private static Map<String, String> imageEnvironment(Path home) {
        Map<String, String> environment = new HashMap<>(env);
        environment.put("HOME", home.toString());
        environment.remove("TMPDIR");
        environment.remove("JAVA_TOOL_OPTIONS");
        return environment;
    }

    /** The top-most mount on / as the process sees it is read-only. */
    private static boolean rootIsReadOnly(long pid) throws Exception {
        String options = null;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 5 && fields[4].equals("/")) {
                options = fields[5];
            }
        }
        return options != null && (options.startsWith("ro,") || options.equals("ro"));
    }

    /** A HOME outside /tmp (which the confinement replaces), readable by the image user and writable by nobody. */
    private static Path readOnlyHome() throws Exception {
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "iru-home");
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        return home;
    }

    static Set<String> runtimeModules(Path home) throws Exception {
        for (String line : Files.readAllLines(home.resolve("runtime/release"))) {
            if (line.startsWith("MODULES=")) {
                return new TreeSet<>(List.of(line.substring("MODULES=".length()).replace("\"", "").split(" ")));
            }
        }
        throw new AssertionError("no MODULES in runtime/release");
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
