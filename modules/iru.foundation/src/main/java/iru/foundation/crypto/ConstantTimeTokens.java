package iru.foundation.crypto;

import iru.foundation.secrets.Secret;
import java.security.MessageDigest;
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
        byte[] presentedDigest = Digests.sha256(presented);
        boolean match = false;
        for (Secret candidate : accepted) {
            match |= MessageDigest.isEqual(presentedDigest, Digests.sha256(candidate.bytes()));
        }
        return match;
    }
}
