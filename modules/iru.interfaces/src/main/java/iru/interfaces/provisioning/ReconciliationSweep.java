package iru.interfaces.provisioning;

import iru.foundation.config.Region;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantStatus;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.logging.StructuredLog;
import iru.foundation.net.OutboundAddressRefusedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The periodic pass: reconciles every provisioned application (SCIM base URL and credential set) of every active
 * tenant of the served regions, one application at a time. An application that cannot be reconciled now (down,
 * refused, misconfigured) is logged and skipped; the next pass tries again.
 */
public final class ReconciliationSweep {
    private static final StructuredLog LOG = StructuredLog.of(ReconciliationSweep.class);
    private static final int TENANT_PAGE = 200;

    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final Set<Region> regions;
    private final ScimProvisioning provisioning;

    public ReconciliationSweep(TenantRegionRouter router, TenantDirectory directory, Set<Region> regions,
            ScimProvisioning provisioning) {
        this.router = router;
        this.directory = directory;
        this.regions = Set.copyOf(regions);
        this.provisioning = provisioning;
    }

    /** What one pass did: applications reconciled, skipped (failed) and corrections enqueued. */
    public record Result(int reconciled, int skipped, int enqueued) {
    }

    public Result sweep() {
        int reconciled = 0;
        int skipped = 0;
        int enqueued = 0;
        Optional<TenantId> after = Optional.empty();
        while (true) {
            Optional<TenantId> from = after;
            List<TenantLocation> page = router.inDirectoryTransaction(c -> directory.pageOfLive(c, from, TENANT_PAGE));
            for (TenantLocation tenant : page) {
                if (tenant.status() != TenantStatus.active || !regions.contains(tenant.region())) {
                    continue;
                }
                for (UUID appId : provisioning.state().provisionedApps(tenant)) {
                    try {
                        var report = provisioning.reconciler().reconcile(tenant, appId);
                        reconciled++;
                        enqueued += report.map(r -> r.enqueued().size()).orElse(0);
                    } catch (ScimReconciler.ReconciliationException | OutboundAddressRefusedException e) {
                        skipped++;
                        LOG.warn("scim.reconcile.skipped", Map.of("tenant", tenant.id().value().toString(),
                                "app", appId.toString(), "reason", String.valueOf(e.getMessage())));
                    }
                }
            }
            if (page.size() < TENANT_PAGE) {
                return new Result(reconciled, skipped, enqueued);
            }
            after = Optional.of(page.getLast().id());
        }
    }
}
