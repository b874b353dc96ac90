package iru.domain.apikey;

import java.time.Instant;
import java.util.Set;

/** A stored API key: its public id and metadata. The secret exists only as a SHA-256 hash. */
public record ApiKey(String id, String name, Set<Scope> scopes, Instant createdAt, Instant revokedAt) {
    /** Every key starts with this, so a leaked key is recognisable (and findable by secret scanners). */
    public static final String PREFIX = "iruk_";

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    public String visiblePrefix() {
        return PREFIX + id;
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
