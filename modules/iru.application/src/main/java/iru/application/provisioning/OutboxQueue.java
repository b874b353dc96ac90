package iru.application.provisioning;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import iru.domain.provisioning.OutboxEntry;
import iru.domain.provisioning.ProvisioningOutbox;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The outbox as a {@link ProvisioningQueue}: rows in the caller's transaction, with the caller's trace context. */
public final class OutboxQueue implements ProvisioningQueue {
    private final ProvisioningOutbox outbox;

    public OutboxQueue(ProvisioningOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void enqueue(Connection c, TenantId tenant, UUID appId, ProvisioningSubject subject, String cause)
            throws SQLException {
        enqueueAll(c, tenant, List.of(switch (subject) {
            case ProvisioningSubject.User user -> OutboxEntry.user(appId, user.id());
            case ProvisioningSubject.Group group -> OutboxEntry.group(appId, group.id());
        }), cause);
    }

    /** Writes every entry in one batch, all with the same cause and trace context. */
    public void enqueueAll(Connection c, TenantId tenant, Collection<OutboxEntry> entries, String cause)
            throws SQLException {
        outbox.insert(c, tenant, entries, cause, currentTraceparent());
    }

    /** The W3C `traceparent` of the current span, when it is sampled (an unsampled trace is not worth linking). */
    static Optional<String> currentTraceparent() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid() || !context.isSampled()) {
            return Optional.empty();
        }
        return Optional.of("00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex());
    }
}
