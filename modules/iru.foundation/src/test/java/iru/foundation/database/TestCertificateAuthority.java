package iru.foundation.database;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway certificate authority made with the JDK's `keytool` in a temporary directory, so no private key is
 * ever committed: its PEM certificate stands in for the RDS CA bundle, and it issues server certificates for the
 * TLS-terminating proxy in front of the local PostgreSQL.
 */
final class TestCertificateAuthority {
    /** Keystores live and die in a temporary directory; this only satisfies keytool's PKCS#12 integrity check. */
    private static final String STORE_PASS = "test-only";

    private final Path directory;
    private final Path caStore;

    private TestCertificateAuthority(Path directory) {
        this.directory = directory;
        this.caStore = directory.resolve("ca.p12");
    }

    static TestCertificateAuthority create(Path directory, String name) {
        TestCertificateAuthority ca = new TestCertificateAuthority(directory);
        ca.keytool("-genkeypair", "-keystore", ca.caStore.toString(), "-alias", "ca", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "2");
        ca.keytool("-exportcert", "-keystore", ca.caStore.toString(), "-alias", "ca", "-rfc",
                "-file", ca.certificatePem().toString());
        return ca;
    }

    /** The CA certificate (PEM), what `sslrootcert` points at. */
    Path certificatePem() {
        return directory.resolve("ca-" + directory.getFileName() + ".pem");
    }

    /** A server TLS context whose certificate this CA issued for `subjectAlternativeName` (`ip:…` or `dns:…`). */
    SSLContext serverContext(String alias, String subjectAlternativeName) {
        Path store = directory.resolve(alias + ".p12");
        Path request = directory.resolve(alias + ".csr");
        Path issued = directory.resolve(alias + ".pem");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", alias, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + alias, "-validity", "2");
        keytool("-certreq", "-keystore", store.toString(), "-alias", alias, "-file", request.toString());
        keytool("-gencert", "-keystore", caStore.toString(), "-alias", "ca", "-infile", request.toString(),
                "-outfile", issued.toString(), "-rfc", "-ext", "san=" + subjectAlternativeName, "-validity", "2");
        keytool("-importcert", "-noprompt", "-keystore", store.toString(), "-alias", "ca", "-file",
                certificatePem().toString());
        keytool("-importcert", "-keystore", store.toString(), "-alias", alias, "-file", issued.toString());
        return context(store);
    }

    /** A server TLS context with a self-signed certificate no configured CA vouches for. */
    SSLContext selfSignedContext(String alias, String subjectAlternativeName) {
        Path store = directory.resolve(alias + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", alias, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + alias, "-ext", "san=" + subjectAlternativeName, "-validity", "2");
        return context(store);
    }

    private static SSLContext context(Path store) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, STORE_PASS.toCharArray());
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, STORE_PASS.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", STORE_PASS, "-storetype", "PKCS12"));
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
