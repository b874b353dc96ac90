package iru.domain.application;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An application of a tenant, made from a catalog template. `version` is its ETag. `scimCredentialSetAt` says whether
 * and when its SCIM credential was last set; the credential itself lives only in the secret store.
 */
public record Application(UUID id, String templateKey, ApplicationSettings settings, int version, Instant createdAt,
        Instant updatedAt, Optional<Instant> scimCredentialSetAt) {
    public Application {
        Objects.requireNonNull(scimCredentialSetAt, "scimCredentialSetAt");
    }
}
