package iru.interfaces.control.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.interfaces.control.signature.SignatureRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignatureBaseTest {
    private static SignatureInput input(String components) throws SignatureRejectedException {
        return SignatureInput.parse("sig=(" + components + ");created=1;keyid=\"k\"", "sig=:AAAA:");
    }

    private static boolean verifies(String base, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(OperatorKeys.parse(Rfc9421Vectors.PUBLIC_KEY_PEM));
        verifier.update(base.getBytes(StandardCharsets.US_ASCII));
        return verifier.verify(signature);
    }

    @Test
    void buildsTheSignatureBaseOfRfc9421AppendixB26AndItsSignatureVerifies() throws Exception {
        SignatureInput input = SignatureInput.parse(Rfc9421Vectors.B26_SIGNATURE_INPUT, Rfc9421Vectors.B26_SIGNATURE);
        String base = SignatureBase.of(Rfc9421Vectors.request(Map.of()), input);
        assertEquals(Rfc9421Vectors.B26_SIGNATURE_BASE, base);
        assertTrue(verifies(base, input.signature()));
    }

    @Test
    void theRfcSignatureFailsOnceACoveredFieldChanges() throws Exception {
        SignatureInput input = SignatureInput.parse(Rfc9421Vectors.B26_SIGNATURE_INPUT, Rfc9421Vectors.B26_SIGNATURE);
        String base = SignatureBase.of(Rfc9421Vectors.request(Map.of("content-length", List.of("19"))), input);
        assertFalse(verifies(base, input.signature()));
    }

    @Test
    void derivesTargetUriQueryRequestTargetAndAuthorityAsTheRfcDefines() throws Exception {
        var message = new SignedMessage("GET", "HTTPS", "Example.COM:443", "/a%20b", Optional.of("x=1&y"),
                Map.of(), new byte[0]);
        String base = SignatureBase.of(message, input(
                "\"@target-uri\" \"@authority\" \"@scheme\" \"@request-target\" \"@path\" \"@query\""));
        assertEquals("""
                "@target-uri": https://Example.COM:443/a%20b?x=1&y
                "@authority": example.com
                "@scheme": https
                "@request-target": /a%20b?x=1&y
                "@path": /a%20b
                "@query": ?x=1&y
                "@signature-params": ("@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query")\
                ;created=1;keyid="k\"""", base);
        var noQuery = new SignedMessage("GET", "http", "h:8080", "", Optional.empty(), Map.of(), new byte[0]);
        assertTrue(SignatureBase.of(noQuery, input("\"@query\" \"@path\" \"@authority\""))
                .startsWith("\"@query\": ?\n\"@path\": /\n\"@authority\": h:8080\n"));
    }

    @Test
    void joinsRepeatedFieldLinesTrimmed() throws Exception {
        var message = new SignedMessage("GET", "http", "h", "/", Optional.empty(),
                Map.of("x-list", List.of(" a ", "b,c  ")), new byte[0]);
        assertTrue(SignatureBase.of(message, input("\"x-list\"")).startsWith("\"x-list\": a, b,c\n"));
    }

    @Test
    void refusesACoveredFieldTheRequestLacks() throws Exception {
        var e = assertThrows(SignatureRejectedException.class,
                () -> SignatureBase.of(Rfc9421Vectors.request(Map.of()), input("\"@method\" \"x-missing\"")));
        assertEquals(Reason.MISSING_COMPONENT, e.reason());
    }

    @Test
    void refusesDerivedComponentsItDoesNotCompute() throws Exception {
        var e = assertThrows(SignatureRejectedException.class,
                () -> SignatureBase.of(Rfc9421Vectors.request(Map.of()), input("\"@status\"")));
        assertEquals(Reason.UNSUPPORTED_COMPONENT, e.reason());
        var withParameter = assertThrows(SignatureRejectedException.class, () -> input("\"content-digest\";sf"));
        assertEquals(Reason.UNSUPPORTED_COMPONENT, withParameter.reason());
    }
}
