package iru.domain.provisioning;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One account provisioning keeps in an application for one of our users or groups: the id the application gave it and
 * the ETag it last reported (absent when the application sends none).
 */
public record AppAccount(UUID appId, Kind kind, UUID subjectId, String remoteId, Optional<String> etag,
        Instant provisionedAt) {
    /** Whose account it is; the names are the stored `subject_kind` values. */
    public enum Kind { user, group }

    public AppAccount {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(etag, "etag");
        if (remoteId == null || remoteId.isEmpty() || remoteId.length() > 1024) {
            throw new IllegalArgumentException("a remote id has 1 to 1024 characters");
        }
    }
}
