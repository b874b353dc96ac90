package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The distribution's CycloneDX SBOM (sbom.cdx.json) names every jar on the module path, with its exact SHA-256. */
class SbomIT {

    /** Jars of lib/ that the SBOM does not describe, or describes with another SHA-256; empty when it is complete. */
    static List<String> undescribed(JsonNode sbom, Path lib) throws Exception {
        Map<String, String> sha256ByFile = new HashMap<>();
        List<JsonNode> components = new java.util.ArrayList<>();
        sbom.path("components").forEach(components::add);
        JsonNode root = sbom.path("metadata").path("component");
        for (JsonNode component : components) {
            String file = component.path("name").asString() + "-" + component.path("version").asString() + ".jar";
            for (JsonNode hash : component.path("hashes")) {
                if (hash.path("alg").asString().equals("SHA-256")) {
                    sha256ByFile.put(file, hash.path("content").asString());
                }
            }
        }
        String rootJar = root.path("name").asString() + "-" + root.path("version").asString() + ".jar";
        TreeSet<String> problems = new TreeSet<>();
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                String name = jar.getFileName().toString();
                if (name.equals(rootJar)) {
                    continue; // the artifact the SBOM is about (metadata.component)
                }
                String expected = sha256ByFile.get(name);
                if (expected == null) {
                    problems.add(name + ": not in the SBOM");
                } else if (!expected.equals(sha256(jar))) {
                    problems.add(name + ": SHA-256 differs from the SBOM");
                }
            }
        }
        return List.copyOf(problems);
    }

    @Test
    void theSbomListsEveryRuntimeModuleWithItsHash() throws Exception {
        Path home = DistributionProcess.home();
        JsonNode sbom = JsonMapper.builder().build().readTree(sbomOf(home).toFile());
        assertEquals("CycloneDX", sbom.path("bomFormat").asString());
        assertEquals("launcher", sbom.path("metadata").path("component").path("name").asString());
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertTrue(jars.count() > 100, "the module path is there");
        }
        assertEquals(List.of(), undescribed(sbom, home.resolve("lib")));
    }

    @Test
    void aJarMissingFromTheSbomOrChangedIsReported() throws Exception {
        Path home = DistributionProcess.home();
        JsonNode sbom = JsonMapper.builder().build().readTree(sbomOf(home).toFile());
        Path lib = Files.createTempDirectory("iru-sbom-lib");
        try {
            String picked;
            try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
                picked = jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("picocli-"))
                        .findFirst().orElseThrow();
            }
            Files.copy(home.resolve("lib").resolve(picked), lib.resolve(picked));
            assertEquals(List.of(), undescribed(sbom, lib));
            Files.write(lib.resolve("smuggled-1.0.jar"), new byte[] {'P', 'K', 5, 6});
            Files.write(lib.resolve(picked), new byte[] {'P', 'K', 5, 6}); // same name, other bits
            assertEquals(List.of(picked + ": SHA-256 differs from the SBOM", "smuggled-1.0.jar: not in the SBOM"),
                    undescribed(sbom, lib));
        } finally {
            try (Stream<Path> files = Files.list(lib)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(lib);
        }
    }

    /**
     * The SBOM file. The CycloneDX plugin refuses to run when Maven is offline (`mvn -o`, "Goal makeBom requires online
     * mode"), so a local offline build has none: that is skipped with this reason, but never under CI, which builds
     * online and must produce it.
     */
    private static Path sbomOf(Path home) {
        Path sbom = home.resolve("sbom.cdx.json");
        if (!java.nio.file.Files.exists(sbom) && System.getenv("CI") == null) {
            org.junit.jupiter.api.Assumptions.abort("no " + sbom + ": built offline (mvn -o), where the CycloneDX"
                    + " plugin does not run; CI builds online and requires it");
        }
        return sbom;
    }

    private static String sha256(Path file) throws IOException, java.security.NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
