package iru.application.provisioning;

import iru.domain.tenant.TenantLocation;

/**
 * Brings one subject's account in one application in line with the directory (SCIM 2.0 in production). Called by a
 * provisioning worker outside any transaction; it opens its own short transactions on the workers' pool and must not
 * hold one across an HTTP call. It bounds its own HTTP calls and returns promptly when its thread is interrupted.
 */
public interface ProvisioningDelivery {
    DeliveryOutcome deliver(TenantLocation tenant, ProvisioningTask task);
}
