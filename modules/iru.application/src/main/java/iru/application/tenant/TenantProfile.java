package iru.application.tenant;

import iru.domain.tenant.Tenant;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantNotFoundException;
import iru.domain.tenant.TenantRecords;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.telemetry.Telemetry;

/** Tenant-plane use case: the tenant record, read from the tenant's own regional database. */
public final class TenantProfile {
    private final TenantRegionRouter router;
    private final TenantRecords records;
    private final Telemetry telemetry;

    public TenantProfile(TenantRegionRouter router, TenantRecords records, Telemetry telemetry) {
        this.router = router;
        this.records = records;
        this.telemetry = telemetry;
    }

    public Tenant read(TenantLocation location) {
        return telemetry.inUseCase("ReadTenantProfile", () ->
                router.inTransaction(location.region(), location.id().value(), c -> records.find(c, location.id()))
                        .orElseThrow(() -> new TenantNotFoundException(location.slug().value())));
    }
}
