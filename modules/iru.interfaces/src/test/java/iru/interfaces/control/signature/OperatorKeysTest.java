package iru.interfaces.control.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.secrets.DevSecretStore;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorKeysTest {
    private static final String SPKI_BASE64 = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";

    private static OperatorKeys registry(String json) {
        return new OperatorKeys(new DevSecretStore(Map.of("IRU_DEV_OPERATOR_KEYS", json), Duration.ofHours(1),
                Clock.systemUTC()));
    }

    @Test
    void readsPemSpkiAndRawEd25519KeysAsTheSameKey() throws Exception {
        PublicKey pem = OperatorKeys.parse(Rfc9421Vectors.PUBLIC_KEY_PEM);
        byte[] spki = Base64.getDecoder().decode(SPKI_BASE64);
        String raw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, 12, 44));
        assertEquals(pem, OperatorKeys.parse(SPKI_BASE64));
        assertEquals(pem, OperatorKeys.parse(raw));
    }

    @Test
    void refusesKeysOfOtherAlgorithms() throws Exception {
        for (String algorithm : new String[] {"Ed448", "RSA", "EC"}) {
            String other = Base64.getEncoder().encodeToString(
                    KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic().getEncoded());
            assertThrows(GeneralSecurityException.class, () -> OperatorKeys.parse(other), algorithm);
        }
    }

    @Test
    void findsOnlyRegisteredValidKeys() {
        OperatorKeys keys = registry("{\"ops-alice\":\"" + SPKI_BASE64 + "\",\"ops-bad\":\"AAAA\"}");
        assertTrue(keys.find("ops-alice").isPresent());
        assertTrue(keys.find("ops-bob").isEmpty());
        assertTrue(keys.find("ops-bad").isEmpty());
        assertTrue(keys.find("ops alice").isEmpty());
        assertTrue(registry("[]").find("ops-alice").isEmpty());
        assertTrue(registry("not json").find("ops-alice").isEmpty());
        assertTrue(new OperatorKeys(new DevSecretStore(Map.of(), Duration.ofHours(1), Clock.systemUTC()))
                .find("ops-alice").isEmpty());
    }
}
