package iru.application.tenant;

import iru.domain.tenant.Tenant;

/** The outcome of a creation: the tenant, and whether this call created it or replayed an earlier creation. */
public record TenantCreation(Tenant tenant, boolean replayed) {
}
