package iru.domain.provisioning;

import iru.domain.tenant.TenantId;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One subject claimed from the outbox: every pending row of it is leased under `token` until the lease expires.
 *
 * @param sequence    the newest leased row (its cause and trace are the task's)
 * @param subjectKind `user` or `group`
 * @param attempt     which delivery attempt this is (1 on the first)
 */
public record OutboxLease(long sequence, TenantId tenant, UUID appId, String subjectKind, UUID subjectId, String cause,
        Optional<String> traceparent, int attempt, UUID token) {
    public OutboxLease {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(subjectKind, "subjectKind");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(traceparent, "traceparent");
        Objects.requireNonNull(token, "token");
    }
}
