package iru.application.provisioning;

import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The transactional outbox: records, inside the caller's routed transaction, that `subject`'s account in application
 * `appId` must be brought in line. Nothing is sent from inside a request; workers deliver after the commit.
 */
public interface ProvisioningQueue {
    void enqueue(Connection c, TenantId tenant, UUID appId, ProvisioningSubject subject, String cause)
            throws SQLException;
}
