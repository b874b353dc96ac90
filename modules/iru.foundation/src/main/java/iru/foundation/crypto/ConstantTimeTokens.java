package iru.foundation.crypto;

import iru.foundation.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Compares a presented bearer token with the accepted secrets in constant time: both sides are hashed to fixed-length
 * SHA-256 digests first (so neither length nor content leaks through timing), and every candidate is compared even
 * after a match.
 */
public final class ConstantTimeTokens {
    private ConstantTimeTokens() {
    }

    public static boolean matchesAny(String presented, List<Secret> accepted) {
        byte[] presentedDigest = sha256(presented.getBytes(StandardCharsets.UTF_8));
        boolean match = false;
        for (Secret candidate : accepted) {
            match |= MessageDigest.isEqual(presentedDigest, sha256(candidate.bytes()));
        }
        return match;
    }

    public static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
