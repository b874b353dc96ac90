package iru.foundation.secrets;

import static iru.foundation.secrets.AwsSecretStoreTest.acceptable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.crypto.ConstantTimeTokens;
import iru.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSecretStoreTest {
    static final Duration GRACE = Duration.ofHours(1);
    TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));

    DevSecretStore store(Map<String, String> environment) {
        return new DevSecretStore(environment, GRACE, clock);
    }

    @Test
    void previousIsAcceptedUntilItsExpiryThenRefused() {
        var store = store(Map.of("IRU_DEV_ADMIN_TOKEN", "new", "IRU_DEV_ADMIN_TOKEN_PREVIOUS", "old",
                "IRU_DEV_ADMIN_TOKEN_PREVIOUS_EXPIRES", "2026-11-20T10:30:00Z"));
        assertEquals(List.of("new", "old"), acceptable(store.fetch("admin-token")));
        clock.advance(Duration.ofMinutes(29));
        assertEquals(List.of("new", "old"), acceptable(store.fetch("admin-token")));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(List.of("new"), acceptable(store.fetch("admin-token")));
    }

    @Test
    void previousWithoutAnExpiryOrBeyondTheGraceIsRefusedLoudly() {
        var without = store(Map.of("IRU_DEV_ADMIN_TOKEN", "new", "IRU_DEV_ADMIN_TOKEN_PREVIOUS", "old"));
        var e = assertThrows(SecretUnavailableException.class, () -> without.fetch("admin-token"));
        assertTrue(e.getMessage().contains("IRU_DEV_ADMIN_TOKEN_PREVIOUS_EXPIRES"), e.getMessage());

        var tooLong = store(Map.of("IRU_DEV_ADMIN_TOKEN", "new", "IRU_DEV_ADMIN_TOKEN_PREVIOUS", "old",
                "IRU_DEV_ADMIN_TOKEN_PREVIOUS_EXPIRES", "2026-11-20T11:00:01Z"));
        assertThrows(SecretUnavailableException.class, () -> tooLong.fetch("admin-token"));

        var garbled = store(Map.of("IRU_DEV_ADMIN_TOKEN", "new", "IRU_DEV_ADMIN_TOKEN_PREVIOUS", "old",
                "IRU_DEV_ADMIN_TOKEN_PREVIOUS_EXPIRES", "tomorrow"));
        assertThrows(SecretUnavailableException.class, () -> garbled.fetch("admin-token"));
    }

    @Test
    void missingSecretIsAnErrorNamingTheVariableNeverADefault() {
        var e = assertThrows(SecretUnavailableException.class, () -> store(Map.of()).fetch("admin-token"));
        assertTrue(e.getMessage().contains("IRU_DEV_ADMIN_TOKEN"), e.getMessage());
    }

    @Test
    void fileIsReReadOnEveryFetchSoRotationTakesEffectAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        var store = store(Map.of("IRU_DEV_CATALOG_TOKEN_FILE", file.toString()));
        assertEquals("first", store.fetch("catalog-token").current().reveal());
        Files.writeString(file, "second");
        assertEquals("second", store.fetch("catalog-token").current().reveal());
    }

    @Test
    void storedValuesLiveInMemoryAndTheReplacedOneOnlyForTheGrace() {
        var store = store(Map.of("IRU_DEV_SCIM_T1_APP", "from-environment"));
        store.store("scim/t1/app", new Secret("one"));
        assertEquals(List.of("one"), acceptable(store.fetch("scim/t1/app")), "written values win over the environment");

        clock.advance(Duration.ofMinutes(1));
        store.store("scim/t1/app", new Secret("two"));
        assertEquals(List.of("two", "one"), acceptable(store.fetch("scim/t1/app")));
        clock.advance(GRACE);
        assertEquals(List.of("two"), acceptable(store.fetch("scim/t1/app")));
        assertEquals(List.of("from-environment"), acceptable(store(Map.of("IRU_DEV_SCIM_T1_APP", "from-environment"))
                .fetch("scim/t1/app")), "another instance (or a restart) does not see them");
    }

    @Test
    void badNamesAreRefusedAndNothingIsStored() {
        var store = store(Map.of());
        for (String bad : new String[] {"../x", "scim//x", "Scim/x", "scim/x/", "x y"}) {
            assertThrows(IllegalArgumentException.class, () -> store.store(bad, new Secret("v")), bad);
        }
        assertThrows(SecretUnavailableException.class, () -> store.fetch("x"));
    }

    @Test
    void secretsNeverPrint() {
        assertFalse(new Secret("hunter2").toString().contains("hunter2"));
        var versions = new SecretVersions(new Secret("a1"),
                Optional.of(new SecretVersions.Previous(new Secret("b2"), Instant.EPOCH)));
        assertFalse(versions.toString().matches("(?s).*(a1|b2).*"), versions.toString());
    }

    @Test
    void constantTimeComparisonAcceptsOnlyListedTokens() {
        List<Secret> accepted = List.of(new Secret("current-token"), new Secret("previous-token"));
        assertTrue(ConstantTimeTokens.matchesAny("current-token", accepted));
        assertTrue(ConstantTimeTokens.matchesAny("previous-token", accepted));
        assertFalse(ConstantTimeTokens.matchesAny("current-token ", accepted));
        assertFalse(ConstantTimeTokens.matchesAny("", accepted));
        assertFalse(ConstantTimeTokens.matchesAny("current", accepted));
    }
}
