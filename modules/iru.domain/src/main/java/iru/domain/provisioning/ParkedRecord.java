package iru.domain.provisioning;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** An outbox row that exhausted its attempts or was rejected: kept, with why, until someone retries it. */
public record ParkedRecord(long sequence, UUID id, UUID appId, String subjectKind, UUID subjectId, String cause, int attempts,
        Optional<String> lastError, Instant parkedAt, Instant createdAt) {
}
