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
}
