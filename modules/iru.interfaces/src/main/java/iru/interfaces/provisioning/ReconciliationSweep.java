package iru.interfaces.provisioning;

import iru.foundation.config.Region;
import iru.domain.provisioning.ReconciliationLeases;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantStatus;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.logging.StructuredLog;
import iru.foundation.net.OutboundAddressRefusedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The periodic pass: reconciles every provisioned application (SCIM base URL and credential set) of every active
 * tenant of the served regions, one application at a time. An application that cannot be reconciled now (down,
 * refused, misconfigured) is logged and skipped; the next pass tries again.
 * <p>
 * Every tenant plane and every `iru workers` process runs this pass, so before reconciling an application it takes
 * the application's lease for one interval ({@link ReconciliationLeases}, in the tenant's own routed transaction):
 * across all instances an application is reconciled at most once per interval, by whichever took it first. A pass
 * that fails keeps its lease: the application is tried again in the next interval, as before.
 */
public final class ReconciliationSweep {
    private static final StructuredLog LOG = StructuredLog.of(ReconciliationSweep.class);
    private static final int TENANT_PAGE = 200;

    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final Set<Region> regions;
    private final ScimProvisioning provisioning;
    private final ReconciliationLeases leases = new ReconciliationLeases();
    private final Duration interval;
    private final String holder;

    /**
     * @param interval how often the pass runs; an application reconciled (by any instance) less than this long ago
     *                 is left out
     * @param holder   this instance's name in the leases it takes
     */
    public ReconciliationSweep(TenantRegionRouter router, TenantDirectory directory, Set<Region> regions,
            ScimProvisioning provisioning, Duration interval, String holder) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive");
        }
        this.router = router;
        this.directory = directory;
        this.regions = Set.copyOf(regions);
        this.provisioning = provisioning;
        this.interval = interval;
        this.holder = holder;
    }

    /**
     * What one pass did: applications reconciled, skipped (failed), left to another instance (`leased`: reconciled
     * elsewhere in this interval) and corrections enqueued.
     */
    public record Result(int reconciled, int skipped, int leased, int enqueued) {
    }

    public Result sweep() {
        int reconciled = 0;
        int skipped = 0;
        int leased = 0;
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
                    if (!router.inTransaction(tenant.region(), tenant.id().value(),
                            c -> leases.take(c, tenant.id(), appId, holder, interval))) {
                        leased++;
                        continue;
                    }
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
                return new Result(reconciled, skipped, leased, enqueued);
            }
            after = Optional.of(page.getLast().id());
        }
    }
}
