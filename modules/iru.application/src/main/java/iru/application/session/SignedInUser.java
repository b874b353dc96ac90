package iru.application.session;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** The person a request's session belongs to, and when that session ends unless used again. */
public record SignedInUser(UUID userId, String userName, String displayName, Instant sessionExpiresAt) {
    public SignedInUser {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(sessionExpiresAt, "sessionExpiresAt");
    }
}
