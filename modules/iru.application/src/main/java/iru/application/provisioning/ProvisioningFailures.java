package iru.application.provisioning;

import iru.application.identity.TenantTransactions;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.provisioning.ParkedRecord;
import iru.domain.provisioning.ProvisioningOutbox;
import iru.domain.tenant.TenantLocation;
import java.util.List;
import java.util.Optional;

/** The tenant's parked provisioning records: listed with their last error, and requeued one at a time. */
public final class ProvisioningFailures {
    private final TenantTransactions tx;
    private final ProvisioningOutbox outbox;

    public ProvisioningFailures(TenantTransactions tx, ProvisioningOutbox outbox) {
        this.tx = tx;
        this.outbox = outbox;
    }

    /** One page, oldest first, and the sequence to continue after, if there is more. */
    public record FailurePage(List<ParkedRecord> items, Optional<Long> next) {
        public FailurePage {
            items = List.copyOf(items);
        }
    }

    public FailurePage list(TenantLocation tenant, Optional<Long> after, int limit) {
        List<ParkedRecord> fetched = tx.run("ListProvisioningFailures", tenant,
                c -> outbox.parked(c, tenant.id(), after.orElse(0L), limit));
        if (fetched.size() <= limit) {
            return new FailurePage(fetched, Optional.empty());
        }
        List<ParkedRecord> page = fetched.subList(0, limit);
        return new FailurePage(page, Optional.of(page.getLast().sequence()));
    }

    /** Due again at once with a fresh count of attempts; another tenant's or an unparked record is a 404. */
    public void retry(TenantLocation tenant, java.util.UUID id) {
        boolean requeued = tx.run("RetryProvisioningFailure", tenant, c -> outbox.requeue(c, tenant.id(), id));
        if (!requeued) {
            throw new ResourceNotFoundException("provisioning failure", id);
        }
    }
}
