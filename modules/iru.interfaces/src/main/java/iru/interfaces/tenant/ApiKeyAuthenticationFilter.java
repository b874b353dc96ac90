package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.application.apikey.ApiKeys;
import iru.domain.apikey.ApiKey;
import iru.foundation.database.AuditActor;
import iru.foundation.logging.StructuredLog;
import iru.interfaces.http.Json;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemType;
import java.util.Map;
import java.util.Optional;

/**
 * Every tenant-API route needs `Authorization: Bearer iruk_…`, a live key of the tenant in the path. Runs after
 * {@link TenantRoutingFilter}, so the key is looked up in the tenant's own region under its row-level scope; the key
 * then acts as the audit actor of every change the request makes.
 */
public final class ApiKeyAuthenticationFilter implements Filter {
    private static final StructuredLog LOG = StructuredLog.of(ApiKeyAuthenticationFilter.class);
    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    public ApiKeyAuthenticationFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!ResolvedTenant.CURRENT.isBound()) {
            chain.proceed();
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        Optional<ApiKey> key = header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? keys.authenticate(ResolvedTenant.current(), header.substring(BEARER.length()).strip())
                : Optional.empty();
        if (key.isEmpty()) {
            LOG.warn("auth.rejected", Map.of("plane", "tenant", "path", req.path().path(),
                    "reason", header.isEmpty() ? "missing" : "invalid", "remote", req.remotePeer().host()));
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"iru-tenant\"");
            Json.sendProblem(res, Problem.of(ProblemType.UNAUTHORIZED, "A valid API key of this tenant is required."),
                    req.path().path());
            return;
        }
        ScopedValue.where(Caller.KEY, key.get())
                .where(AuditActor.CURRENT, "key:" + key.get().id())
                .run(chain::proceed);
    }
}
