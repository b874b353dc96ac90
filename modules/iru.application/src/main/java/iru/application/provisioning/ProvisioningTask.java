package iru.application.provisioning;

import iru.domain.tenant.TenantId;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One claimed outbox record. It names what to bring in line, not what to send: delivery reads the directory as it is
 * when it runs, so a task is idempotent and a later change can never be overtaken by an older one's payload.
 *
 * @param sequence    the outbox order (a monotonically increasing bigint)
 * @param cause       why it was enqueued (`user.updated`, `assignment.removed`, `reconciliation.missing`, …), for
 *                    logs, spans and the failures API
 * @param attempt     1 on the first delivery
 * @param traceparent the W3C trace context of the request that caused the change, when it was sampled
 */
public record ProvisioningTask(long sequence, TenantId tenant, UUID appId, ProvisioningSubject subject, String cause,
        int attempt, Optional<String> traceparent) {
    public ProvisioningTask {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(traceparent, "traceparent");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1");
        }
    }
}
