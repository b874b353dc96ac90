package iru.domain.group;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A named set of users of one tenant; `version` is its ETag. */
public record Group(UUID id, String displayName, String description, int version, Instant createdAt, Instant updatedAt) {
    public Group {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
    }
}
