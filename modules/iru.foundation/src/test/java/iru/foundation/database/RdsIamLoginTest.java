package iru.foundation.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.OpenTelemetry;
import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.InvalidConfigurationException;
import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.migration.MigratedDatabases;
import iru.testkit.TestDatabases;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * RDS IAM logins: tokens signed by the real AWS SDK for each database's own region, a fresh token per physical
 * connection, and a token that only ever travels over TLS verified against the configured CA and host name. The
 * local PostgreSQL runs without TLS, so a loopback proxy terminates TLS in front of it with certificates from a
 * throwaway test CA; the same proxy, declining TLS or presenting the wrong certificate, is the attacker.
 */
class RdsIamLoginTest {
    private static final DatabaseCredentials TENANT = new DatabaseCredentials("iru_tenant", "");
    private static final int POSTGRES_PORT = URI.create("tcp://" + TestDatabases.HOST).getPort();

    @TempDir
    static Path certificates;

    static TestDatabases databases;
    static TestCertificateAuthority authority;
    static SSLContext trustedServer;

    @BeforeAll
    static void migrate() {
        databases = TestDatabases.create("t_rds_iam");
        MigratedDatabases.migrate(databases);
        authority = TestCertificateAuthority.create(certificates, "Iru Test RDS CA");
        trustedServer = authority.serverContext("db-loopback", "ip:127.0.0.1");
    }

    @AfterAll
    static void drop() {
        databases.close();
    }

    @Test
    void tokenIsASigV4PresignedConnectRequestForTheDatabasesOwnRegion() {
        RdsIamLogin login = new RdsIamLogin(
                IamTokenSource.sdk(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG"))),
                url -> url.contains("iru_eu") ? "eu-central-1" : "us-east-2", authority.certificatePem());
        String token = login.passwordFor("jdbc:postgresql://eu-db.example.internal:5432/iru_eu", TENANT);
        assertTrue(token.startsWith("eu-db.example.internal:5432/?"), token);
        assertTrue(token.contains("Action=connect") && token.contains("DBUser=iru_tenant"), token);
        assertTrue(token.contains("X-Amz-Credential=AKIDEXAMPLE%2F") && token.contains("%2Feu-central-1%2Frds-db%2Faws4_request"),
                token);
        assertTrue(token.contains("X-Amz-Signature="), token);
        String us = login.passwordFor("jdbc:postgresql://us-db.example.internal/iru_us", TENANT);
        assertTrue(us.startsWith("us-db.example.internal:5432/?") && us.contains("%2Fus-east-2%2F"), us);
        assertNotEquals(token, us);
    }

    @Test
    void logsInOverTlsThatVerifiedTheCertificateAndHostName() throws Exception {
        CountingTokens tokens = new CountingTokens();
        try (PostgresTlsProxy proxy = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT);
                Connection c = login(tokens).connect(url(proxy, "us"), TENANT);
                var s = c.createStatement(); var rs = s.executeQuery("select current_user")) {
            rs.next();
            assertEquals("iru_tenant", rs.getString(1));
            assertEquals(1, proxy.handshakes());
            assertEquals(1, tokens.issued().size());
        }
    }

    @Test
    void refusesAServerThatDoesNotOfferTls() throws Exception {
        CountingTokens tokens = new CountingTokens();
        try (PostgresTlsProxy plaintext = PostgresTlsProxy.plaintext(POSTGRES_PORT)) {
            SQLException e = assertThrows(SQLException.class, () -> login(tokens).connect(url(plaintext, "us"), TENANT));
            assertTrue(String.valueOf(e.getMessage()).contains("SSL"), e.getMessage());
            assertEquals(1, plaintext.accepted());
            assertEquals(0, plaintext.relayedToServer(), "the startup message with the token must not be sent");
        }
    }

    @Test
    void refusesACertificateNoConfiguredAuthorityIssued() throws Exception {
        SSLContext impostor = TestCertificateAuthority.create(Files.createDirectories(certificates.resolve("other")),
                "Impostor CA").serverContext("impostor", "ip:127.0.0.1");
        assertRefusedBehind(impostor);
        assertRefusedBehind(authority.selfSignedContext("self-signed", "ip:127.0.0.1"));
    }

    @Test
    void refusesACertificateForAnotherHost() throws Exception {
        SQLException refused = assertRefusedBehind(authority.serverContext("elsewhere", "dns:db.elsewhere.example"));
        assertTrue(String.valueOf(refused.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("hostname"),
                refused.getMessage());
    }

    @Test
    void refusesAUrlThatWouldWeakenTls() throws Exception {
        CountingTokens tokens = new CountingTokens();
        try (PostgresTlsProxy proxy = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT)) {
            for (String weakening : List.of("sslmode=disable", "sslmode=require", "sslfactory=org.postgresql.ssl.NonValidatingFactory",
                    "ssl=false", "SSLMODE=prefer")) {
                assertThrows(SQLException.class, () -> login(tokens).connect(url(proxy, "us") + "?" + weakening, TENANT));
            }
            assertEquals(0, proxy.accepted());
            assertTrue(tokens.issued().isEmpty());
        }
        Properties weakened = new Properties();
        weakened.setProperty("sslmode", "disable");
        weakened.setProperty("sslfactory", "org.postgresql.ssl.NonValidatingFactory");
        weakened.setProperty("ApplicationName", "iru-test");
        Properties effective = login(tokens).verifiedTls(weakened);
        assertEquals("verify-full", effective.getProperty("sslmode"));
        assertEquals(authority.certificatePem().toString(), effective.getProperty("sslrootcert"));
        assertFalse(effective.containsKey("sslfactory"));
        assertEquals("iru-test", effective.getProperty("ApplicationName"));
    }

    @Test
    void refusesToStartWithoutACaBundle() {
        var e = assertThrows(InvalidConfigurationException.class, () -> new RdsIamLogin(new CountingTokens(),
                url -> "us-east-2", certificates.resolve("missing.pem")));
        assertTrue(e.getMessage().contains("IRU_DB_SSL_ROOT_CERT"), e.getMessage());
    }

    /**
     * Every physical connection a pool opens logs in with a token generated for it, signed for the region of its
     * database (the directory's configured region for the directory), and a replaced connection gets a new one.
     */
    @Test
    void poolsGenerateAFreshTokenPerPhysicalConnectionForEachDatabasesRegion() throws Exception {
        CountingTokens tokens = new CountingTokens();
        try (PostgresTlsProxy directory = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT);
                PostgresTlsProxy us = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT);
                PostgresTlsProxy eu = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT)) {
            IruConfig config = IruConfig.from(iamEnvironment(directory, us, eu));
            assertEquals("eu-central-1", config.database().awsRegionOf(url(eu, "eu")));
            assertEquals("us-west-2", config.database().awsRegionOf(url(directory, "directory")));
            RdsIamLogin login = new RdsIamLogin(tokens, config.database()::awsRegionOf, config.database().sslRootCert());
            try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                    config.database().tenantRuntime(), OpenTelemetry.noop(), login)) {
                assertTrue(pools.ping().values().stream().allMatch(DatabasePing::ok), pools.ping().toString());
                new TenantRegionRouter(pools).verifyRegionIdentities();
                HikariDataSource usPool = pools.region(Region.US).orElseThrow().unwrap(HikariDataSource.class);
                holdEveryConnection(usPool, 4);
                awaitSettled(tokens, us);
                int before = tokens.forPort(us.port()).size();
                assertTrue(before >= 4, "four connections held at once need four logins, got " + before);
                usPool.getHikariPoolMXBean().softEvictConnections();
                holdEveryConnection(usPool, 4);
                awaitSettled(tokens, us);
                assertTrue(tokens.forPort(us.port()).size() >= before + 4, "replaced connections log in afresh");
                for (PostgresTlsProxy proxy : List.of(directory, us, eu)) {
                    awaitSettled(tokens, proxy);
                    assertEquals(proxy.handshakes(), tokens.forPort(proxy.port()).size(),
                            "one token per physical connection");
                }
                assertEquals(tokens.issued().size(), new HashSet<>(tokens.issued()).size(), "no token is reused");
                assertEquals(List.of("us-east-2"), tokens.regionsFor(us.port()));
                assertEquals(List.of("eu-central-1"), tokens.regionsFor(eu.port()));
                assertEquals(List.of("us-west-2"), tokens.regionsFor(directory.port()));
                assertEquals(config.database().maxLifetime().toMillis(), usPool.getMaxLifetime());
            }
        }
    }

    /**
     * IAM mode reads no password at all, so none can reach the configuration dump, the pool's settings, the driver's
     * properties or a log line even with driver and pool logging at their finest; the token goes to the driver only.
     */
    @Test
    void nothingWritesADatabasePasswordInIamMode() throws Exception {
        String planted = "planted-password-" + System.nanoTime();
        CountingTokens tokens = new CountingTokens();
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        List<Logger> verbose = List.of(Logger.getLogger("org.postgresql"), Logger.getLogger("com.zaxxer.hikari"),
                Logger.getLogger("iru"));
        Map<Logger, Level> previous = new HashMap<>();
        verbose.forEach(logger -> {
            previous.put(logger, logger.getLevel());
            logger.setLevel(Level.FINEST);
            logger.addHandler(capture);
        });
        try (PostgresTlsProxy directory = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT);
                PostgresTlsProxy us = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT);
                PostgresTlsProxy eu = PostgresTlsProxy.tls(trustedServer, POSTGRES_PORT)) {
            Map<String, String> env = iamEnvironment(directory, us, eu);
            env.put("IRU_DB_PASSWORD", planted);
            env.put("IRU_DB_TENANT_PASSWORD", planted);
            env.put("IRU_DB_CONTROL_PASSWORD", planted);
            IruConfig config = IruConfig.from(env);
            config.database().runtimeRoles().forEach(role -> assertEquals("", role.password()));
            assertEquals("", config.database().owner().password());
            assertFalse(config.toString().contains(planted) || config.database().toString().contains(planted));
            RdsIamLogin login = new RdsIamLogin(tokens, config.database()::awsRegionOf, config.database().sslRootCert());
            try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                    config.database().tenantRuntime(), OpenTelemetry.noop(), login)) {
                HikariDataSource usPool = pools.region(Region.US).orElseThrow().unwrap(HikariDataSource.class);
                holdEveryConnection(usPool, 2);
                assertEquals(null, usPool.getPassword());
                assertFalse(usPool.getDataSourceProperties().containsKey("password"));
                Properties driver = login.verifiedTls(new Properties());
                assertFalse(driver.containsKey("password") || driver.containsValue(planted));
            }
        } finally {
            verbose.forEach(logger -> {
                logger.removeHandler(capture);
                logger.setLevel(previous.get(logger));
            });
        }
        assertFalse(tokens.issued().isEmpty());
        assertFalse(logged.isEmpty(), "the driver and pool logged at FINEST, so the capture saw their output");
        for (String line : logged) {
            assertFalse(line.contains(planted), line);
            for (String token : tokens.issued()) {
                assertFalse(line.contains(token), line);
            }
        }
    }

    private static SQLException assertRefusedBehind(SSLContext server) throws Exception {
        CountingTokens tokens = new CountingTokens();
        try (PostgresTlsProxy proxy = PostgresTlsProxy.tls(server, POSTGRES_PORT)) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> login(tokens).connect(url(proxy, "us"), TENANT));
            assertEquals(1, proxy.accepted());
            // A foreign CA fails inside the handshake; a wrong host name is checked right after it. Either way the
            // client hangs up before its startup message, which would carry the token, goes anywhere.
            assertEquals(0, proxy.relayedToServer(), "the startup message with the token must not be sent");
            return refused;
        }
    }

    private static RdsIamLogin login(CountingTokens tokens) {
        return new RdsIamLogin(tokens, url -> "us-east-2", authority.certificatePem());
    }

    private static String url(PostgresTlsProxy proxy, String kind) {
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + databases.url(kind)
                .substring(databases.url(kind).lastIndexOf('/') + 1);
    }

    private static Map<String, String> iamEnvironment(PostgresTlsProxy directory, PostgresTlsProxy us,
            PostgresTlsProxy eu) {
        Map<String, String> env = new HashMap<>(databases.environment());
        env.put("IRU_DB_AUTH", "iam");
        env.put("IRU_DB_DIRECTORY_URL", url(directory, "directory"));
        env.put("IRU_DB_US_URL", url(us, "us"));
        env.put("IRU_DB_EU_URL", url(eu, "eu"));
        env.put("IRU_DB_DIRECTORY_AWS_REGION", "us-west-2");
        env.put("IRU_DB_SSL_ROOT_CERT", authority.certificatePem().toString());
        env.put("IRU_POOL_MAX", "4");
        return env;
    }

    private static void holdEveryConnection(HikariDataSource pool, int count) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                held.add(pool.getConnection());
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /** The pool fills idle slots in the background; wait until every token it asked for reached the proxy. */
    private static void awaitSettled(CountingTokens tokens, PostgresTlsProxy proxy) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (proxy.handshakes() != tokens.forPort(proxy.port()).size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Hands out a distinct, recognisable token per request and remembers where and for which region. */
    static final class CountingTokens implements IamTokenSource {
        private record Issued(int port, String awsRegion, String token) {
        }

        private final List<Issued> issued = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String token(String hostname, int port, String user, String awsRegion) {
            String token = "iam-token-" + issued.size() + "-" + System.nanoTime();
            issued.add(new Issued(port, awsRegion, token));
            return token;
        }

        List<String> issued() {
            synchronized (issued) {
                return issued.stream().map(Issued::token).toList();
            }
        }

        List<String> forPort(int port) {
            synchronized (issued) {
                return issued.stream().filter(i -> i.port() == port).map(Issued::token).toList();
            }
        }

        List<String> regionsFor(int port) {
            synchronized (issued) {
                return issued.stream().filter(i -> i.port() == port).map(Issued::awsRegion).distinct().toList();
            }
        }
    }
}
