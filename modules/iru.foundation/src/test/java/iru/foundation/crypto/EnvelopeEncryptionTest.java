package iru.foundation.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.secrets.DevSecretStore;
import iru.foundation.secrets.Secret;
import iru.foundation.secrets.SecretUnavailableException;
import iru.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeEncryptionTest {
    static final Duration GRACE = Duration.ofHours(1);
    static final byte[] PLAINTEXT = "the private scalar of a signing key".getBytes(StandardCharsets.UTF_8);
    static final byte[] CONTEXT = aad("tenant-a", "kid-1");

    final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    final DevSecretStore secrets = new DevSecretStore(Map.of("IRU_DEV_SIGNING_KEK", newKek()), GRACE, clock);
    final EnvelopeEncryption envelope = new EnvelopeEncryption(secrets, "signing-kek", new SecureRandom());

    static String newKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static byte[] aad(String tenant, String kid) {
        return ("signing-key|" + tenant + "|" + kid).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sealedValueOpensWithItsContextAndHidesThePlaintext() {
        SealedSecret sealed = envelope.seal(PLAINTEXT, CONTEXT);
        assertArrayEquals(PLAINTEXT, envelope.open(sealed, CONTEXT));
        String stored = HexFormat.of().formatHex(sealed.ciphertext()) + HexFormat.of().formatHex(sealed.wrappedKey());
        assertFalse(stored.contains(HexFormat.of().formatHex(PLAINTEXT, 0, 8)), "the plaintext must not show");
        SealedSecret again = envelope.seal(PLAINTEXT, CONTEXT);
        assertNotEquals(HexFormat.of().formatHex(sealed.nonce()), HexFormat.of().formatHex(again.nonce()));
        assertNotEquals(HexFormat.of().formatHex(sealed.wrappedKey()), HexFormat.of().formatHex(again.wrappedKey()),
                "a fresh data key per value");
    }

    @Test
    void everyTamperedPartFailsToOpen() {
        SealedSecret sealed = envelope.seal(PLAINTEXT, CONTEXT);
        assertRefused(new SealedSecret(sealed.kekId(), sealed.keyNonce(), sealed.wrappedKey(), sealed.nonce(),
                flip(sealed.ciphertext())));
        assertRefused(new SealedSecret(sealed.kekId(), sealed.keyNonce(), sealed.wrappedKey(), flip(sealed.nonce()),
                sealed.ciphertext()));
        assertRefused(new SealedSecret(sealed.kekId(), sealed.keyNonce(), flip(sealed.wrappedKey()), sealed.nonce(),
                sealed.ciphertext()));
        assertRefused(new SealedSecret(sealed.kekId(), flip(sealed.keyNonce()), sealed.wrappedKey(), sealed.nonce(),
                sealed.ciphertext()));
        assertRefused(new SealedSecret("kek-0000000000000000", sealed.keyNonce(), sealed.wrappedKey(),
                sealed.nonce(), sealed.ciphertext()));
        assertArrayEquals(PLAINTEXT, envelope.open(sealed, CONTEXT), "the original still opens");
    }

    @Test
    void aValueMovedToAnotherKeyOrTenantFailsToOpen() {
        SealedSecret sealed = envelope.seal(PLAINTEXT, CONTEXT);
        assertThrows(EnvelopeDecryptionException.class, () -> envelope.open(sealed, aad("tenant-a", "kid-2")));
        assertThrows(EnvelopeDecryptionException.class, () -> envelope.open(sealed, aad("tenant-b", "kid-1")));
        // Swapping the wrapped data key of another value of the same tenant does not open either.
        SealedSecret other = envelope.seal(PLAINTEXT, aad("tenant-a", "kid-2"));
        SealedSecret spliced = new SealedSecret(sealed.kekId(), other.keyNonce(), other.wrappedKey(), sealed.nonce(),
                sealed.ciphertext());
        assertThrows(EnvelopeDecryptionException.class, () -> envelope.open(spliced, CONTEXT));
    }

    @Test
    void afterAKekRotationOldValuesOpenWithinTheGraceAndRewrapMovesThemToTheNewKek() {
        secrets.store("signing-kek", new Secret(newKek())); // the dev store keeps written values' history only
        SealedSecret old = envelope.seal(PLAINTEXT, CONTEXT);
        String oldKek = envelope.requireKek();
        secrets.store("signing-kek", new Secret(newKek()));
        assertNotEquals(oldKek, envelope.requireKek());
        assertFalse(envelope.isCurrent(old));
        assertArrayEquals(PLAINTEXT, envelope.open(old, CONTEXT), "the previous KEK opens it during the grace");
        SealedSecret rewrapped = envelope.rewrap(old, CONTEXT);
        assertTrue(envelope.isCurrent(rewrapped));
        assertArrayEquals(old.ciphertext(), rewrapped.ciphertext(), "only the data key is re-wrapped");

        clock.advance(GRACE.plusSeconds(1));
        var refused = assertThrows(EnvelopeDecryptionException.class, () -> envelope.open(old, CONTEXT));
        assertTrue(refused.getMessage().contains(oldKek), refused.getMessage());
        assertArrayEquals(PLAINTEXT, envelope.open(rewrapped, CONTEXT));
    }

    @Test
    void aKekThatIsNot32Base64BytesIsRefusedWithoutShowingIt() {
        for (String bad : new String[] {"not base64 at all!", Base64.getEncoder().encodeToString(new byte[16])}) {
            var store = new DevSecretStore(Map.of("IRU_DEV_SIGNING_KEK", bad), GRACE, clock);
            var weak = new EnvelopeEncryption(store, "signing-kek", new SecureRandom());
            var e = assertThrows(SecretUnavailableException.class, weak::requireKek);
            assertFalse(e.getMessage().contains(bad), e.getMessage());
        }
        var missing = new EnvelopeEncryption(new DevSecretStore(Map.of(), GRACE, clock), "signing-kek",
                new SecureRandom());
        var e = assertThrows(SecretUnavailableException.class, missing::requireKek);
        assertTrue(e.getMessage().contains("IRU_DEV_SIGNING_KEK"), e.getMessage());
    }

    private void assertRefused(SealedSecret tampered) {
        assertThrows(EnvelopeDecryptionException.class, () -> envelope.open(tampered, CONTEXT));
    }

    private static byte[] flip(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[copy.length / 2] ^= 0x01;
        return copy;
    }

    @Test
    void fingerprintNamesTheKekWithoutRevealingIt() {
        byte[] key = Base64.getDecoder().decode(newKek());
        String id = EnvelopeEncryption.fingerprint(key);
        assertEquals(id, EnvelopeEncryption.fingerprint(key.clone()));
        assertFalse(HexFormat.of().formatHex(key).contains(id.substring(4)));
    }
}
