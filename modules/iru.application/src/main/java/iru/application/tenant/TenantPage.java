package iru.application.tenant;

import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import java.util.List;
import java.util.Optional;

/** One page of tenants in id order. `names` holds the name of each tenant whose region this deployment serves. */
public record TenantPage(List<TenantLocation> tenants, java.util.Map<TenantId, String> names, Optional<TenantId> next) {
    public TenantPage {
        tenants = List.copyOf(tenants);
        names = java.util.Map.copyOf(names);
    }
}
