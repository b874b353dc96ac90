package iru.application.provisioning;

import iru.domain.tenant.TenantLocation;
import java.util.List;

/**
 * Brings one subject's account in one application in line with the directory (SCIM 2.0 in production). Called by a
 * provisioning worker outside any transaction; it opens its own short transactions on the workers' pool and must not
 * hold one across an HTTP call. It bounds its own HTTP calls and returns promptly when its thread is interrupted.
 */
public interface ProvisioningDelivery {
    DeliveryOutcome deliver(TenantLocation tenant, ProvisioningTask task);

    /**
     * Readies the deliveries of one tenant's tasks of a claimed batch, so that what they all need (the directory's
     * view of their subjects, each application's client) is read once for the batch, not once per task. Runs on the
     * worker's thread, before the batch's calls start; each task is then delivered once through the result, the
     * tasks at the same time. By default nothing is read ahead.
     */
    default Batch prepare(TenantLocation tenant, List<ProvisioningTask> tasks) {
        return task -> deliver(tenant, task);
    }

    /** The prepared deliveries of one tenant's tasks of one claimed batch. */
    @FunctionalInterface
    interface Batch {
        DeliveryOutcome deliver(ProvisioningTask task);
    }
}
