package iru.domain.passkey;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A user's registered WebAuthn credential. The public key is stored as the authenticator sent it (COSE); the sign
 * counter and backup state change on every sign-in and live beside it, unjournaled.
 *
 * @param credentialId   the authenticator's credential id (raw bytes)
 * @param publicKeyCose  the credential public key, COSE-encoded
 * @param backupEligible whether the authenticator may sync it (fixed at registration)
 * @param backupState    whether it is backed up now (as of the latest ceremony)
 * @param lastUsedAt     the latest sign-in with it, if any
 */
public record Passkey(byte[] credentialId, UUID userId, byte[] publicKeyCose, UUID aaguid, boolean backupEligible,
        boolean backupState, long signCount, List<String> transports, String name, Instant createdAt,
        Optional<Instant> lastUsedAt) {
    public Passkey {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(publicKeyCose, "publicKeyCose");
        Objects.requireNonNull(aaguid, "aaguid");
        transports = List.copyOf(transports);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        if (signCount < 0 || signCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sign count out of range");
        }
    }

    /** The credential id as WebAuthn writes it in JSON and URLs: unpadded base64url. */
    public String id() {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(credentialId);
    }
}
