package iru.foundation.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the one digest the platform uses for fingerprints, key hashes and the audit chain. */
public final class Digests {
    /**
     * Never updated, only copied: `getInstance` searches the providers on every call, which was most of the cost of
     * hashing a presented API key on each request (profiled). Copying an unchanging digest is safe from any thread.
     */
    private static final MessageDigest SHA_256 = newSha256();

    private Digests() {
    }

    public static byte[] sha256(byte[]... parts) {
        MessageDigest digest = fresh();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static MessageDigest fresh() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException notCloneable) { // a provider may not support it: look it up instead
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    public static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
