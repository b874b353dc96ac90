package iru.interfaces.tenant;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.application.tenant.TenantResolver;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantStatus;
import iru.domain.tenant.TenantSuspendedException;
import iru.foundation.database.RegionNotServedException;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.logging.LogContext;
import iru.interfaces.http.Json;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemMapping;
import iru.interfaces.http.ProblemType;
import iru.interfaces.http.RequestTenant;
import java.util.Optional;

/**
 * Runs before every route under `/t/{slug}/`: resolves the tenant through the directory to its region, answers 404
 * for an unknown tenant, 403 for a suspended one, and 421 for one whose region this deployment does not serve (no
 * query goes to any regional database in any of these cases), and otherwise binds the tenant for the route and the
 * log lines. Only "no such tenant" is a 404: a directory that cannot answer propagates as the failure it is (a 5xx
 * with a correlation id), never as a miss.
 */
public final class TenantRoutingFilter implements Filter {
    private static final String PREFIX = "/t/";

    private final TenantResolver resolver;
    private final TenantRegionRouter router;

    public TenantRoutingFilter(TenantResolver resolver, TenantRegionRouter router) {
        this.resolver = resolver;
        this.router = router;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!path.startsWith(PREFIX)) {
            chain.proceed();
            return;
        }
        int end = path.indexOf('/', PREFIX.length());
        String slug = end < 0 ? path.substring(PREFIX.length()) : path.substring(PREFIX.length(), end);
        Optional<TenantLocation> location = resolver.resolve(slug);
        if (location.isEmpty()) {
            Json.sendProblem(res, Problem.of(ProblemType.TENANT_NOT_FOUND, "No tenant '" + slug + "'."), path);
            return;
        }
        TenantLocation tenant = location.get();
        req.context().register(new RequestTenant(tenant.id().toString(), tenant.region().code()));
        if (tenant.status() == TenantStatus.suspended) {
            Json.sendProblem(res, ProblemMapping.toProblem(new TenantSuspendedException(slug)).orElseThrow(), path);
            return;
        }
        if (!router.serves(tenant.region())) {
            Json.sendProblem(res, ProblemMapping.toProblem(new RegionNotServedException(tenant.region())).orElseThrow(),
                    path);
            return;
        }
        ScopedValue.where(ResolvedTenant.CURRENT, tenant)
                .where(LogContext.TENANT_ID, tenant.id().toString())
                .where(LogContext.REGION, tenant.region().code())
                .run(chain::proceed);
    }
}
