package iru.application.identity;

import iru.domain.tenant.TenantLocation;
import iru.foundation.database.SingleSelect;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.database.TransactionWork;
import iru.foundation.telemetry.Telemetry;

/** One use case = one span = one transaction on the tenant's region with the tenant set for row-level security. */
public final class TenantTransactions {
    private final TenantRegionRouter router;
    private final Telemetry telemetry;

    public TenantTransactions(TenantRegionRouter router, Telemetry telemetry) {
        this.router = router;
        this.telemetry = telemetry;
    }

    public <T> T run(String useCase, TenantLocation tenant, TransactionWork<T> work) {
        return telemetry.inUseCase(useCase, () -> router.inTransaction(tenant.region(), tenant.id().value(), work));
    }

    /** A use case that is one SELECT: the same guarantees in one round trip instead of three. */
    public <T> T read(String useCase, TenantLocation tenant, SingleSelect<T> select) {
        return telemetry.inUseCase(useCase,
                () -> router.singleStatementRead(tenant.region(), tenant.id().value(), select));
    }
}
