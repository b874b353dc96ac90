package iru.interfaces.control.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import iru.interfaces.control.signature.SignatureRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ContentDigestTest {
    private static final byte[] BODY = Rfc9421Vectors.BODY.getBytes(StandardCharsets.US_ASCII);

    private static String sha256(byte[] body) throws Exception {
        return "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body)) + ":";
    }

    private static Reason refused(String field, byte[] body) {
        return assertThrows(SignatureRejectedException.class, () -> ContentDigest.verify(field, body)).reason();
    }

    @Test
    void acceptsTheRfcExampleDigestsOfTheBody() throws Exception {
        ContentDigest.verify(Rfc9421Vectors.CONTENT_DIGEST, BODY);
        ContentDigest.verify(sha256(BODY), BODY);
        ContentDigest.verify(sha256(BODY) + ", " + Rfc9421Vectors.CONTENT_DIGEST + ", md5=:AAAA:", BODY);
        ContentDigest.verify(sha256(new byte[0]), new byte[0]);
    }

    @Test
    void refusesABodyThatDoesNotMatchAnyOfItsDigests() throws Exception {
        byte[] tampered = "{\"hello\": \"World\"}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Reason.CONTENT_DIGEST_MISMATCH, refused(Rfc9421Vectors.CONTENT_DIGEST, tampered));
        assertEquals(Reason.CONTENT_DIGEST_MISMATCH, refused(sha256(BODY) + ", sha-512=:AAAA:", BODY));
        assertEquals(Reason.CONTENT_DIGEST_MISMATCH, refused(sha256(BODY), new byte[0]));
    }

    @Test
    void refusesDigestsWithoutSha256OrSha512AndMalformedFields() {
        assertEquals(Reason.UNSUPPORTED_DIGEST, refused("md5=:AAAA:, sha=:AAAA:", BODY));
        assertEquals(Reason.MALFORMED_SIGNATURE, refused("sha-256=\"abc\"", BODY));
        assertEquals(Reason.MALFORMED_SIGNATURE, refused("sha-256=:not base64", BODY));
    }
}
