package iru.interfaces.control.signature;

import iru.interfaces.control.signature.SignatureRejectedException.Reason;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.ParseException;
import org.greenbytes.http.sfv.Parser;

/**
 * Checks a `Content-Digest` field (RFC 9530) against the body actually received. Every sha-256 and sha-512 digest it
 * carries must match, and it must carry at least one of them; digests with other (weaker or unknown) algorithms are
 * ignored, as §2 allows, and never count as the one.
 */
public final class ContentDigest {
    private static final Map<String, String> ALGORITHMS = Map.of("sha-256", "SHA-256", "sha-512", "SHA-512");

    private ContentDigest() {
    }

    public static void verify(String field, byte[] body) throws SignatureRejectedException {
        Map<String, ListElement<?>> digests;
        try {
            digests = Parser.parseDictionary(field).get();
        } catch (ParseException e) {
            throw new SignatureRejectedException(Reason.MALFORMED_SIGNATURE,
                    "Content-Digest is not an RFC 8941 dictionary");
        }
        int checked = 0;
        for (var algorithm : ALGORITHMS.entrySet()) {
            ListElement<?> element = digests.get(algorithm.getKey());
            if (element == null) {
                continue;
            }
            if (!(element instanceof ByteSequenceItem item)) {
                throw new SignatureRejectedException(Reason.MALFORMED_SIGNATURE,
                        "Content-Digest '" + algorithm.getKey() + "' must be a byte sequence");
            }
            ByteBuffer claimed = item.get();
            byte[] expected = new byte[claimed.remaining()];
            claimed.get(expected);
            if (!MessageDigest.isEqual(expected, digest(algorithm.getValue(), body))) {
                throw new SignatureRejectedException(Reason.CONTENT_DIGEST_MISMATCH,
                        "the body does not match its Content-Digest (" + algorithm.getKey() + ")");
            }
            checked++;
        }
        if (checked == 0) {
            throw new SignatureRejectedException(Reason.UNSUPPORTED_DIGEST,
                    "Content-Digest must carry sha-256 or sha-512");
        }
    }

    private static byte[] digest(String algorithm, byte[] body) {
        try {
            return MessageDigest.getInstance(algorithm).digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }
}
