package iru.interfaces.control.signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import iru.interfaces.control.signature.SignatureRejectedException.Reason;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignatureInputTest {
    @Test
    void readsComponentsAndEveryParameter() throws Exception {
        SignatureInput input = SignatureInput.parse("a=(\"@method\" \"content-digest\");created=10;expires=70;"
                + "keyid=\"ops-1\";alg=\"ed25519\";nonce=\"n-1\";tag=\"iru\"", "a=:AQID:");
        assertEquals("a", input.label());
        assertEquals(List.of("@method", "content-digest"), input.components());
        assertEquals(Optional.of(10L), input.created());
        assertEquals(Optional.of(70L), input.expires());
        assertEquals(Optional.of("ops-1"), input.keyId());
        assertEquals(Optional.of("ed25519"), input.alg());
        assertEquals(Optional.of("n-1"), input.nonce());
        assertArrayEquals(new byte[] {1, 2, 3}, input.signature());
        assertEquals("(\"@method\" \"content-digest\");created=10;expires=70;keyid=\"ops-1\";alg=\"ed25519\";"
                + "nonce=\"n-1\";tag=\"iru\"", input.signatureParams());
    }

    @Test
    void refusesWhatItDoesNotUnderstandAsMalformed() {
        Map<String, String[]> cases = Map.of(
                "not a dictionary", new String[] {"a=(\"@method\"", "a=:AQID:"},
                "two signatures", new String[] {"a=(\"@method\");created=1, b=(\"@method\");created=1",
                        "a=:AQID:, b=:AQID:"},
                "labels differ", new String[] {"a=(\"@method\");created=1", "b=:AQID:"},
                "signature not bytes", new String[] {"a=(\"@method\");created=1", "a=\"AQID\""},
                "input not a list", new String[] {"a=\"@method\";created=1", "a=:AQID:"},
                "token component", new String[] {"a=(method);created=1", "a=:AQID:"},
                "uppercase field", new String[] {"a=(\"Content-Digest\");created=1", "a=:AQID:"},
                "covered twice", new String[] {"a=(\"@method\" \"@method\");created=1", "a=:AQID:"},
                "unknown parameter", new String[] {"a=(\"@method\");created=1;foo=1", "a=:AQID:"},
                "created not an integer", new String[] {"a=(\"@method\");created=\"1\"", "a=:AQID:"});
        for (var c : cases.entrySet()) {
            var e = assertThrows(SignatureRejectedException.class,
                    () -> SignatureInput.parse(c.getValue()[0], c.getValue()[1]), c.getKey());
            assertEquals(Reason.MALFORMED_SIGNATURE, e.reason(), c.getKey());
        }
    }
}
