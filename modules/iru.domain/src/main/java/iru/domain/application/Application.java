package iru.domain.application;

import java.time.Instant;
import java.util.UUID;

/** An application of a tenant, made from a catalog template. `version` is its ETag. */
public record Application(UUID id, String templateKey, ApplicationSettings settings, int version, Instant createdAt,
        Instant updatedAt) {
}
