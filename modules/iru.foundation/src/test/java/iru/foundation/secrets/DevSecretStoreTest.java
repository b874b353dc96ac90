package iru.foundation.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.crypto.ConstantTimeTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSecretStoreTest {

    @Test
    void readsCurrentAndPreviousFromTheEnvironment() {
        var store = new DevSecretStore(Map.of("IRU_DEV_ADMIN_TOKEN", "new", "IRU_DEV_ADMIN_TOKEN_PREVIOUS", "old"));
        SecretVersions versions = store.fetch("admin-token");
        assertEquals("new", versions.current().reveal());
        assertEquals("old", versions.previous().orElseThrow().reveal());
        assertEquals(2, versions.acceptable().size());
    }

    @Test
    void missingSecretIsAnErrorNamingTheVariableNeverADefault() {
        var e = assertThrows(SecretUnavailableException.class, () -> new DevSecretStore(Map.of()).fetch("admin-token"));
        assertTrue(e.getMessage().contains("IRU_DEV_ADMIN_TOKEN"), e.getMessage());
    }

    @Test
    void fileIsReReadOnEveryFetchSoRotationTakesEffectAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        var store = new DevSecretStore(Map.of("IRU_DEV_CATALOG_TOKEN_FILE", file.toString()));
        assertEquals("first", store.fetch("catalog-token").current().reveal());
        Files.writeString(file, "second");
        assertEquals("second", store.fetch("catalog-token").current().reveal());
    }

    @Test
    void secretsNeverPrint() {
        assertFalse(new Secret("hunter2").toString().contains("hunter2"));
        assertFalse(new SecretVersions(new Secret("a1"), Optional.of(new Secret("b2"))).toString().matches(".*(a1|b2).*"));
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
