package iru.foundation.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer secrets handed to browsers and people (session cookies, enrollment links, challenges): 256 random bits as
 * unpadded base64url. The platform stores only {@link Digests#sha256(String)} of them.
 */
public final class RandomTokens {
    private static final int BYTES = 32;

    private final SecureRandom random;

    public RandomTokens(SecureRandom random) {
        this.random = random;
    }

    public String next() {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether `value` has the shape of a token this class makes (checked before hashing what a client sent). */
    public static boolean wellFormed(String value) {
        return value != null && value.length() == 43 && value.chars().allMatch(ch -> ch >= 'a' && ch <= 'z'
                || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_');
    }
}
