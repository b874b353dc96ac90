package iru.application.event;

import iru.application.identity.TenantTransactions;
import iru.domain.common.Page;
import iru.domain.event.SecurityEvent;
import iru.domain.event.SecurityEventLog;
import iru.domain.tenant.TenantLocation;
import java.util.Optional;
import java.util.UUID;

/** Reading a tenant's security event log (events are written by the use cases whose facts they record). */
public final class SecurityEvents {
    private final TenantTransactions tx;
    private final SecurityEventLog log;

    public SecurityEvents(TenantTransactions tx, SecurityEventLog log) {
        this.tx = tx;
        this.log = log;
    }

    public Page<SecurityEvent> list(TenantLocation tenant, SecurityEventLog.Filter filter, Optional<UUID> after,
            int limit) {
        return tx.run("ListSecurityEvents", tenant, c -> log.list(c, tenant.id(), filter, after, limit));
    }
}
