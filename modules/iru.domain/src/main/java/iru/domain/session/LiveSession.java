package iru.domain.session;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A session that is still valid, with what a page needs to show whose it is, and when it ends unless used. */
public record LiveSession(UUID userId, String userName, String displayName, Instant expiresAt) {
    public LiveSession {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
