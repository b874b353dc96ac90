package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing that looks like a secret is committed: every file git tracks is scanned (the built distribution is scanned
 * by {@link CommittedSecretsIT}). Secrets reach the process at runtime from Secrets Manager; a test fixture that must
 * look like a secret is listed in {@link #ALLOWED} with the reason it is harmless.
 */
class CommittedSecretsTest {
    /**
     * A justified exception: a location (path or jar entry, matched by suffix), the rule, the exact value allowed
     * there (anything else in the same file is still a finding), and why it is harmless.
     */
    record Allowed(Scope scope, String locationSuffix, String rule, String value, String reason) {
        Allowed {
            if (reason.isBlank()) {
                throw new IllegalArgumentException("an allowed finding needs its reason");
            }
        }

        boolean covers(SecretScanner.Finding finding) {
            return finding.location().endsWith(locationSuffix) && finding.rule().equals(rule)
                    && finding.value().equals(value);
        }
    }

    /** Where an allowed finding lives, so an entry that stops matching anything can be reported as stale. */
    enum Scope { REPOSITORY, DISTRIBUTION }

    /**
     * The AWS SDK needs some credentials to sign requests to the loopback Secrets Manager of the test kit; these
     * tests give it a shortened form of the example secret key from AWS's own documentation, which opens nothing.
     */
    private static final String AWS_EXAMPLE_KEY = "wJalrXUtnFEMI/K7MDENG";
    private static final String AWS_EXAMPLE_REASON = "shortened AWS documentation example secret key; signs requests"
            + " to the test kit's loopback Secrets Manager only";

    static final List<Allowed> ALLOWED = List.of(
            new Allowed(Scope.REPOSITORY, "launcher/src/test/java/iru/launcher/AdminTokenRotationTest.java",
                    "secret-assignment", AWS_EXAMPLE_KEY, AWS_EXAMPLE_REASON),
            new Allowed(Scope.REPOSITORY, "launcher/src/test/java/iru/launcher/CatalogSyncTest.java",
                    "secret-assignment", AWS_EXAMPLE_KEY, AWS_EXAMPLE_REASON),
            new Allowed(Scope.REPOSITORY, "launcher/src/test/java/iru/launcher/DistributionTenancyIT.java",
                    "secret-assignment", AWS_EXAMPLE_KEY, AWS_EXAMPLE_REASON),
            new Allowed(Scope.REPOSITORY, "launcher/src/test/java/iru/launcher/SigningKekRewrapTest.java",
                    "secret-assignment", AWS_EXAMPLE_KEY, AWS_EXAMPLE_REASON));

    @Test
    void noFileInTheRepositoryLooksLikeASecret() throws Exception {
        Path root = repositoryRoot();
        Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile()).start();
        String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, git.waitFor(), "git ls-files failed");
        List<String> files = List.of(listing.split("\0"));
        assertTrue(files.size() > 100 && files.contains("README.md"), "git listed " + files.size() + " files");
        List<SecretScanner.Finding> findings = new ArrayList<>();
        for (String file : files) {
            Path path = root.resolve(file);
            if (Files.isRegularFile(path)) {
                findings.addAll(SecretScanner.scanFile(path, file));
            }
        }
        assertEquals(List.of(), unexplained(findings, Scope.REPOSITORY), "committed secrets (or fixtures to justify)");
    }

    /** The scanner finds each kind of secret, in text, in configuration and inside a jar: it can fail. */
    @Test
    void scannerFindsEachKindOfSecret(@TempDir Path directory) throws IOException {
        String accessKey = "AKIA" + "Z7Q4N2XW8PLR5TYB";
        String body = "MIIEowIBAAKCAQEA" + "q8Zr2Lw9Xk4Tn7Vb3Hs6Jd1Pf5Gm0Yaq8Zr2Lw9Xk4Tn7Vb3Hs6Jd1Pf5Gm0Ya";
        String pem = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----";
        String pkcs8 = "-----BEGIN " + "PRIVATE KEY-----\r\n" + body;
        String encrypted = "-----BEGIN " + "EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n";
        String random = "q8Zr2Lw9Xk4Tn7Vb" + "3Hs6Jd1Pf5Gm0Ya";
        assertRule("aws-access-key-id", SecretScanner.scan("App.java", "String id = \"" + accessKey + "\";"));
        assertRule("private-key", SecretScanner.scan("key.pem", pem));
        assertRule("private-key", SecretScanner.scan("key.pem", pkcs8));
        assertRule("private-key", SecretScanner.scan("key.pem", encrypted));
        assertRule("secret-assignment", SecretScanner.scan("A.java", "static final String ADMIN_TOKEN = \"" + random + "\";"));
        assertRule("secret-assignment", SecretScanner.scan("a.json", "{\"client_secret\": \"" + random + "\"}"));
        assertRule("secret-assignment", SecretScanner.scan("app.yaml", "  password: " + random));
        assertRule("secret-assignment", SecretScanner.scan(".ci/x.sh", "export IRU_DB_PASSWORD=" + random));
        Path jar = directory.resolve("lib.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("config/application.yaml"));
            zip.write(("token: " + random + "\n").getBytes(StandardCharsets.UTF_8));
        }
        List<SecretScanner.Finding> inJar = SecretScanner.scanFile(jar, "lib/lib.jar");
        assertRule("secret-assignment", inJar);
        assertTrue(inJar.getFirst().location().equals("lib/lib.jar!config/application.yaml"), inJar.toString());
        assertFalse(inJar.toString().contains(random), "findings are redacted");
    }

    @Test
    void scannerLeavesWordsPlaceholdersAndCodeAlone() {
        for (String clean : List.of(
                "tenant-password: \"iru_tenant_dev\"",
                "String password = credentials.password();",
                "IRU_DB_PASSWORD=${DB_PASSWORD_FROM_VAULT_PLACEHOLDER}",
                "\"name\": \"IRU_SECRETS_PREFIX\", \"value\": \"iru/\"",
                "token: \"aaaaaaaaaaaaaaaaaaaaaaaa\"",
                "ADMIN_TOKEN_HEADER = \"x-iru-admin-token-header\"",
                "AKIAlowercase0123456789",
                "if (line.equals(\"-----BEGIN " + "PRIVATE KEY-----\")) {")) {
            assertEquals(List.of(), SecretScanner.scan("clean.yaml", clean), clean);
        }
    }

    @Test
    void allowListNamesKnownRulesAndReportsStaleEntries() {
        Set<String> rules = Set.of("aws-access-key-id", "private-key", "secret-assignment");
        for (Allowed allowed : ALLOWED) {
            assertTrue(rules.contains(allowed.rule()), allowed.toString());
        }
        assertEquals(List.of(), unexplained(List.of(), Scope.DISTRIBUTION).stream()
                .filter(p -> !p.startsWith("stale")).toList());
    }

    /** Findings no allow-list entry of `scope` covers; an entry that covers nothing is stale and reported too. */
    static List<String> unexplained(List<SecretScanner.Finding> findings, Scope scope) {
        List<Allowed> allowed = ALLOWED.stream().filter(a -> a.scope() == scope).toList();
        List<String> problems = new ArrayList<>();
        Set<Allowed> used = new HashSet<>();
        for (SecretScanner.Finding finding : findings) {
            allowed.stream().filter(a -> a.covers(finding)).findFirst()
                    .ifPresentOrElse(used::add, () -> problems.add(finding.toString()));
        }
        allowed.stream().filter(a -> !used.contains(a)).forEach(a -> problems.add("stale allow-list entry " + a));
        return problems;
    }

    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("launcher")) ? here : here.getParent();
    }

    private static void assertRule(String rule, List<SecretScanner.Finding> findings) {
        assertTrue(findings.stream().anyMatch(f -> f.rule().equals(rule)), rule + " not found in " + findings);
    }
}
