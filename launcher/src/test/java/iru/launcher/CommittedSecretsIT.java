package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The assembled distribution (`launcher/target/iru`, what the image ships) carries nothing that looks like a
 * secret: every file, and every entry of every jar on its module path, our own and third parties'.
 */
class CommittedSecretsIT {

    @Test
    void noFileInTheDistributionLooksLikeASecret() throws Exception {
        Path distribution = Path.of(System.getProperty("iru.distribution", "target/iru"));
        assertTrue(Files.isDirectory(distribution.resolve("lib")), "no distribution at " + distribution);
        List<SecretScanner.Finding> findings = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(distribution)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                findings.addAll(SecretScanner.scanFile(file, distribution.relativize(file).toString()));
                scanned++;
            }
        }
        assertTrue(scanned > 20, "scanned only " + scanned + " files");
        assertEquals(List.of(), CommittedSecretsTest.unexplained(findings, CommittedSecretsTest.Scope.DISTRIBUTION),
                "secrets (or fixtures to justify) in the distribution");
    }
}
