package iru.domain.tenant;

import iru.foundation.config.Region;

/** What the global directory knows of a tenant: enough to route, nothing personal. */
public record TenantLocation(TenantId id, TenantSlug slug, Region region, TenantStatus status) {
}
