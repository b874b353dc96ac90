package iru.interfaces.tenant;

import iru.domain.tenant.TenantLocation;

/** The tenant of the request being served, bound by {@link TenantRoutingFilter} before any route runs. */
public final class ResolvedTenant {
    public static final ScopedValue<TenantLocation> CURRENT = ScopedValue.newInstance();

    private ResolvedTenant() {
    }

    public static TenantLocation current() {
        return CURRENT.get();
    }
}
