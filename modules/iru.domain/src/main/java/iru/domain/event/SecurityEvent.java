package iru.domain.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One security-relevant fact about a tenant: a sign-in, a credential added or revoked, a key published. Facts and
 * reasons only, never secrets: no token, hash or key material belongs in `detail`.
 *
 * @param id         UUIDv7, so listing by id is listing by time
 * @param occurredAt when it happened
 * @param kind       what happened, e.g. `api-key.issued` (lowercase, dotted)
 * @param actor      who did it (the audit actor: an API key, the admin, an operator, a user)
 * @param subject    what it happened to (a key id, user id, kid), if anything
 * @param detail     small, non-secret facts (a reason, a name)
 */
public record SecurityEvent(UUID id, Instant occurredAt, String kind, String actor, Optional<String> subject,
        Map<String, String> detail) {
    static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    public SecurityEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("event kind must match " + KIND + ": " + kind);
        }
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(subject, "subject");
        detail = Map.copyOf(detail);
    }
}
