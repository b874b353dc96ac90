package iru.foundation.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IruConfigTest {

    @Test
    void defaultsServeBothRegionsOnLocalDatabases() {
        IruConfig config = IruConfig.from(Map.of());
        assertEquals(Set.of(Region.US, Region.EU), config.servedRegions());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/iru_directory", config.database().directoryUrl());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/iru_eu", config.database().regionUrl(Region.EU));
        assertEquals(10, config.database().poolMax());
        assertEquals("iru_tenant", config.database().tenantRuntime().user());
        assertEquals(-1, config.httpPort());
        assertFalse(config.devRoutes());
    }

    @Test
    void environmentOverridesBundledDefaults() {
        IruConfig config = IruConfig.from(Map.of("IRU_POOL_MAX", "3", "IRU_REGIONS", "us", "IRU_HTTP_PORT", "9090"));
        assertEquals(3, config.database().poolMax());
        assertEquals(Set.of(Region.US), config.servedRegions());
        assertEquals(9090, config.httpPort());
    }

    @Test
    void rejectsNonNumericPoolSizeNamingTheVariable() {
        var e = assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(Map.of("IRU_POOL_MAX", "lots")));
        assertTrue(e.getMessage().contains("IRU_POOL_MAX"), e.getMessage());
        assertTrue(e.getMessage().contains("lots"), e.getMessage());
    }

    @Test
    void rejectsUnknownRegionNamingTheVariable() {
        var e = assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(Map.of("IRU_REGIONS", "us,ap")));
        assertTrue(e.getMessage().contains("IRU_REGIONS"), e.getMessage());
        assertTrue(e.getMessage().contains("ap"), e.getMessage());
    }

    @Test
    void rejectsNonPostgresUrlAndOutOfRangePort() {
        var url = assertThrows(InvalidConfigurationException.class,
                () -> IruConfig.from(Map.of("IRU_DB_EU_URL", "mysql://x")));
        assertTrue(url.getMessage().contains("IRU_DB_EU_URL"), url.getMessage());
        var port = assertThrows(InvalidConfigurationException.class,
                () -> IruConfig.from(Map.of("IRU_HTTP_PORT", "70000")));
        assertTrue(port.getMessage().contains("IRU_HTTP_PORT"), port.getMessage());
    }

    @Test
    void signingKeksAreRewrappedEveryFiveMinutesAndAlwaysWithinTheGrace() {
        assertEquals(java.time.Duration.ofMinutes(5), IruConfig.from(Map.of()).secretsPolicy().kekRewrapInterval());
        assertEquals(java.time.Duration.ofSeconds(1), IruConfig.from(Map.of("IRU_SIGNING_KEK_REWRAP_SECONDS", "1",
                "IRU_SECRETS_PREVIOUS_GRACE_SECONDS", "2")).secretsPolicy().kekRewrapInterval());
        var zero = assertThrows(InvalidConfigurationException.class,
                () -> IruConfig.from(Map.of("IRU_SIGNING_KEK_REWRAP_SECONDS", "0")));
        assertTrue(zero.getMessage().contains("IRU_SIGNING_KEK_REWRAP_SECONDS"), zero.getMessage());
        var late = assertThrows(RuntimeException.class, () -> IruConfig.from(Map.of(
                "IRU_SIGNING_KEK_REWRAP_SECONDS", "600", "IRU_SECRETS_PREVIOUS_GRACE_SECONDS", "600")));
        assertTrue(late.getMessage().contains("IRU_SIGNING_KEK_REWRAP_SECONDS"), late.getMessage());
    }

    @Test
    void secretsPolicyDefaultsToAnHourOfGraceAndThirtySecondsOfCacheAndIsBounded() {
        SecretsPolicy defaults = IruConfig.from(Map.of()).secretsPolicy();
        assertEquals(java.time.Duration.ofHours(1), defaults.previousGrace());
        assertEquals(java.time.Duration.ofSeconds(30), defaults.cacheTimeToLive());
        SecretsPolicy set = IruConfig.from(Map.of("IRU_SECRETS_PREVIOUS_GRACE_SECONDS", "0",
                "IRU_SECRETS_CACHE_SECONDS", "5")).secretsPolicy();
        assertEquals(java.time.Duration.ZERO, set.previousGrace());
        assertEquals(java.time.Duration.ofSeconds(5), set.cacheTimeToLive());
        var grace = assertThrows(InvalidConfigurationException.class,
                () -> IruConfig.from(Map.of("IRU_SECRETS_PREVIOUS_GRACE_SECONDS", "-1")));
        assertTrue(grace.getMessage().contains("IRU_SECRETS_PREVIOUS_GRACE_SECONDS"), grace.getMessage());
        var cache = assertThrows(InvalidConfigurationException.class,
                () -> IruConfig.from(Map.of("IRU_SECRETS_CACHE_SECONDS", "301")));
        assertTrue(cache.getMessage().contains("IRU_SECRETS_CACHE_SECONDS"), cache.getMessage());
    }

    @Test
    void oidcDefaultsToLocalhostAndADayOfRetireGraceAndRefusesBadBaseUrls() {
        OidcSettings defaults = IruConfig.from(Map.of()).oidc();
        assertEquals("http://localhost:8080/t/acme", defaults.issuer("acme"));
        assertEquals(java.time.Duration.ofHours(24), defaults.signingKeyRetireGrace());
        OidcSettings set = IruConfig.from(Map.of("IRU_PUBLIC_BASE_URL", "https://id.example.com/eu",
                "IRU_SIGNING_KEY_RETIRE_GRACE_SECONDS", "7200")).oidc();
        assertEquals("https://id.example.com/eu/t/acme", set.issuer("acme"));
        assertEquals(java.time.Duration.ofHours(2), set.signingKeyRetireGrace());
        for (String bad : new String[] {"https://id.example.com/", "ftp://id.example.com", "https://id.example.com?x=1",
                "https://user@id.example.com", "not a url"}) {
            var e = assertThrows(InvalidConfigurationException.class,
                    () -> IruConfig.from(Map.of("IRU_PUBLIC_BASE_URL", bad)), bad);
            assertTrue(e.getMessage().contains("IRU_PUBLIC_BASE_URL"), e.getMessage());
        }
        var grace = assertThrows(InvalidConfigurationException.class,
                () -> IruConfig.from(Map.of("IRU_SIGNING_KEY_RETIRE_GRACE_SECONDS", "0")));
        assertTrue(grace.getMessage().contains("IRU_SIGNING_KEY_RETIRE_GRACE_SECONDS"), grace.getMessage());
    }

    @Test
    void passwordsNeverAppearInToString() {
        IruConfig config = IruConfig.from(Map.of("IRU_DB_PASSWORD", "s3cret-owner", "IRU_DB_TENANT_PASSWORD", "s3cret-app"));
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertFalse(config.database().toString().contains("s3cret"));
    }

    /** A production environment done right: Secrets Manager, IAM database logins, no passwords, no dev routes. */
    private static Map<String, String> production() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("IRU_ENV", "production");
        env.put("IRU_SECRETS", "aws");
        env.put("IRU_DB_AUTH", "iam");
        return env;
    }

    private static void assertRefusedNaming(String variable, Map<String, String> env) {
        var e = assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(env));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
        assertTrue(e.getMessage().contains("IRU_ENV=production"), e.getMessage());
    }

    @Test
    void developmentIsTheDefaultDeployment() {
        IruConfig config = IruConfig.from(Map.of());
        assertEquals(Deployment.DEV, config.deployment());
        assertFalse(config.production());
        assertEquals("iru_tenant_dev", config.database().tenantRuntime().password());
        assertEquals("iru_control_dev", config.database().controlRuntime().password());
    }

    @Test
    void properProductionConfigurationParses() {
        IruConfig config = IruConfig.from(production());
        assertTrue(config.production());
        assertEquals("aws", config.secretsProvider());
        assertTrue(config.database().iamAuthentication());
        // The bundled laptop password does not ride along into production.
        assertEquals("", config.database().tenantRuntime().password());
        assertEquals("", config.database().controlRuntime().password());
        assertEquals("", config.database().owner().password());
    }

    @Test
    void productionRefusesTheDevSecretStore() {
        Map<String, String> env = production();
        env.put("IRU_SECRETS", "dev");
        assertRefusedNaming("IRU_SECRETS", env);
        env.remove("IRU_SECRETS"); // the bundled default is dev too
        assertRefusedNaming("IRU_SECRETS", env);
    }

    @Test
    void productionRefusesPasswordDatabaseLogins() {
        Map<String, String> env = production();
        env.remove("IRU_DB_AUTH"); // the bundled default is password
        assertRefusedNaming("IRU_DB_AUTH", env);
    }

    @Test
    void productionRefusesADatabasePasswordFromTheEnvironment() {
        Map<String, String> owner = production();
        owner.put("IRU_DB_PASSWORD", "hunter2");
        assertRefusedNaming("IRU_DB_PASSWORD", owner);
        Map<String, String> runtime = production();
        runtime.put("IRU_DB_TENANT_PASSWORD", "hunter2");
        assertRefusedNaming("IRU_DB_TENANT_PASSWORD", runtime);
    }

    @Test
    void productionRefusesDevRoutes() {
        Map<String, String> env = production();
        env.put("IRU_DEV_ROUTES", "true");
        assertRefusedNaming("IRU_DEV_ROUTES", env);
    }

    @Test
    void iamLoginsReplaceConnectionsBeforeTheirTokenExpires() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("IRU_DB_AUTH", "iam"));
        assertEquals(java.time.Duration.ofSeconds(840), IruConfig.from(env).database().maxLifetime());
        env.put("IRU_DB_MAX_LIFETIME_SECONDS", "900");
        var e = assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(env));
        assertTrue(e.getMessage().contains("IRU_DB_MAX_LIFETIME_SECONDS") && e.getMessage().contains("token lifetime"),
                e.getMessage());
        env.put("IRU_DB_MAX_LIFETIME_SECONDS", "1800");
        assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(env));
        env.put("IRU_DB_AUTH", "password"); // passwords do not expire, so only Hikari's own bounds apply
        assertEquals(java.time.Duration.ofMinutes(30), IruConfig.from(env).database().maxLifetime());
        env.put("IRU_DB_MAX_LIFETIME_SECONDS", "10");
        assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(env));
        // The record refuses the state too, whoever builds it.
        var settings = IruConfig.from(Map.of("IRU_DB_AUTH", "iam")).database();
        assertThrows(IllegalArgumentException.class, () -> new DatabaseSettings(settings.directoryUrl(),
                settings.regionUrls(), settings.owner(), settings.tenantRuntime(), settings.controlRuntime(),
                settings.poolMax(), settings.connectTimeout(), true, settings.directoryAwsRegion(),
                DatabaseSettings.IAM_TOKEN_LIFETIME, settings.sslRootCert()));
    }

    @Test
    void iamRefusesDatabaseUrlsThatWeakenTls() {
        for (String variable : java.util.List.of("IRU_DB_DIRECTORY_URL", "IRU_DB_US_URL", "IRU_DB_EU_URL")) {
            for (String weakening : java.util.List.of("sslmode=require", "ssl=false", "sslfactory=x", "SslMode=disable")) {
                var e = assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(Map.of(
                        "IRU_DB_AUTH", "iam", variable, "jdbc:postgresql://db.example:5432/iru?tcpKeepAlive=true&" + weakening)));
                assertTrue(e.getMessage().contains(variable), e.getMessage());
            }
        }
        // Password logins (local development) keep whatever the URL says.
        IruConfig.from(Map.of("IRU_DB_US_URL", "jdbc:postgresql://127.0.0.1:5432/iru_us?sslmode=disable"));
    }

    @Test
    void iamReadsNoDatabasePasswordAndSignsTheDirectoryForItsConfiguredRegion() {
        IruConfig config = IruConfig.from(Map.of("IRU_DB_AUTH", "iam", "IRU_DB_PASSWORD", "hunter2",
                "IRU_DB_TENANT_PASSWORD", "hunter2", "IRU_DB_DIRECTORY_AWS_REGION", "eu-west-1"));
        assertEquals("", config.database().owner().password());
        config.database().runtimeRoles().forEach(role -> assertEquals("", role.password()));
        assertFalse(config.toString().contains("hunter2"));
        assertEquals("eu-west-1", config.database().awsRegionOf(config.database().directoryUrl()));
        assertEquals("us-east-2", config.database().awsRegionOf(config.database().regionUrl(Region.US)));
        assertEquals("eu-central-1", config.database().awsRegionOf(config.database().regionUrl(Region.EU)));
        assertEquals("us-east-2", IruConfig.from(Map.of()).database().directoryAwsRegion(), "defaults to IRU_AWS_REGION");
        assertEquals(java.nio.file.Path.of("/opt/iru/conf/rds-global-bundle.pem"), config.database().sslRootCert());
    }

    @Test
    void rejectsUnknownDeploymentNamingTheVariable() {
        var e = assertThrows(InvalidConfigurationException.class, () -> IruConfig.from(Map.of("IRU_ENV", "prod")));
        assertTrue(e.getMessage().contains("IRU_ENV"), e.getMessage());
    }
}
