package iru.application.session;

import iru.domain.oauth.OAuthGrantRepository;
import iru.domain.passkey.CeremonyStore;
import iru.domain.session.SessionRepository;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.foundation.config.Region;
import iru.foundation.database.TenantRegionRouter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Removes expired sign-in state (challenges, enrollment links, sessions, authorization codes, grants and refresh
 * tokens) tenant by tenant, each in the tenant's own
 * routed transaction: row-level security confines every statement to one tenant, so there is no cross-tenant delete
 * to guard. Readers already ignore expired rows; this keeps the ephemeral tables from growing without bound.
 */
public final class ExpiredSignInStateSweeper {
    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final CeremonyStore ceremonies;
    private final SessionRepository sessions;
    private final OAuthGrantRepository grants;
    private final Set<Region> regions;
    private final Clock clock;

    public ExpiredSignInStateSweeper(TenantRegionRouter router, TenantDirectory directory, CeremonyStore ceremonies,
            SessionRepository sessions, OAuthGrantRepository grants, Set<Region> regions, Clock clock) {
        this.router = router;
        this.directory = directory;
        this.ceremonies = ceremonies;
        this.sessions = sessions;
        this.grants = grants;
        this.regions = Set.copyOf(regions);
        this.clock = clock;
    }

    /** One pass over every tenant of the served regions; returns how many rows went. */
    public int sweep() {
        Instant now = clock.instant();
        int removed = 0;
        for (Region region : regions) {
            List<TenantId> tenants = router.inDirectoryTransaction(c -> directory.allInRegion(c, region));
            for (TenantId tenant : tenants) {
                removed += router.inTransaction(region, tenant.value(), c ->
                        ceremonies.purgeExpired(c, tenant, now) + sessions.purgeExpired(c, tenant, now)
                                + grants.purgeExpired(c, tenant, now));
            }
        }
        return removed;
    }
}
