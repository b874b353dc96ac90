package iru.domain.user;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A person of a tenant. `version` grows with every change and is the ETag clients send back in If-Match. */
public record User(UUID id, UserProfile profile, UserStatus status, int version, Instant createdAt, Instant updatedAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(status, "status");
    }
}
