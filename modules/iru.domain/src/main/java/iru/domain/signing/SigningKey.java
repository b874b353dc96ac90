package iru.domain.signing;

import iru.domain.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tenant's token signing key as anyone may see it: metadata and the public JWK (JSON). The private part never
 * appears here; it is stored sealed and opened only to build a signer.
 *
 * @param status        the stored status; {@link #statusAt} is what it means at a given instant
 * @param retireAfter   for a retiring key, when it stops being published
 */
public record SigningKey(String kid, String alg, SigningKeyStatus status, String publicJwk, Instant createdAt,
        Instant activatedAt, Instant retiringSince, Instant retireAfter) {
    public static final String ES256 = "ES256";
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{22}");

    public SigningKey {
        requireKid(kid);
        Objects.requireNonNull(alg, "alg");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(publicJwk, "publicJwk");
        Objects.requireNonNull(createdAt, "createdAt");
        if (status == SigningKeyStatus.retiring && (retiringSince == null || retireAfter == null)) {
            throw new IllegalArgumentException("a retiring key needs retiringSince and retireAfter");
        }
    }

    /** A retiring key is retired once its grace has passed, whether or not that was written yet. */
    public SigningKeyStatus statusAt(Instant now) {
        return status == SigningKeyStatus.retiring && !now.isBefore(retireAfter) ? SigningKeyStatus.retired : status;
    }

    /** `kid`, if it is one of ours (22 base64url characters: 128 random bits), else IllegalArgumentException. */
    public static String requireKid(String kid) {
        if (kid == null || !KID.matcher(kid).matches()) {
            throw new IllegalArgumentException("not a signing key id");
        }
        return kid;
    }

    /** Whether `kid` could name one of our keys: a path segment that cannot is simply not found. */
    public static boolean isKid(String kid) {
        return kid != null && KID.matcher(kid).matches();
    }

    /**
     * What the sealed private key is bound to: a ciphertext copied to another tenant's row or another key id does
     * not open.
     */
    public static byte[] sealingContext(TenantId tenant, String kid) {
        return ("iru/signing-key/v1|" + tenant.value() + "|" + requireKid(kid)).getBytes(StandardCharsets.UTF_8);
    }
}
