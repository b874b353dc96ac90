package iru.interfaces.tenant;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.application.apikey.ApiKeys;
import iru.domain.apikey.ApiKey;
import iru.foundation.database.AuditActor;
import iru.interfaces.http.BearerChallenge;
import java.util.Optional;

/**
 * Every tenant-API route needs `Authorization: Bearer iruk_…`, a live key of the tenant in the path. Runs after
 * {@link TenantRoutingFilter}, so the key is looked up in the tenant's own region under its row-level scope; the key
 * then acts as the audit actor of every change the request makes. The one exemption is the tenant's public OpenID
 * metadata ({@link OidcDiscoveryService#PUBLIC_PATHS}), matched exactly: `/t/{slug}` followed by one of those paths
 * and nothing else, so no other route can be reached through it.
 */
public final class ApiKeyAuthenticationFilter implements Filter {
    private final ApiKeys keys;
    private final BearerChallenge challenge = new BearerChallenge("iru-tenant");

    public ApiKeyAuthenticationFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!ResolvedTenant.CURRENT.isBound() || isPublic(req.path().path())) {
            chain.proceed();
            return;
        }
        Optional<ApiKey> key = BearerChallenge.presented(req)
                .flatMap(presented -> keys.authenticate(ResolvedTenant.current(), presented));
        if (key.isEmpty()) {
            challenge.refuse(req, res, "A valid API key of this tenant is required.");
            return;
        }
        ScopedValue.where(Caller.KEY, key.get())
                .where(AuditActor.CURRENT, "key:" + key.get().id())
                .run(chain::proceed);
    }

    private static boolean isPublic(String path) {
        String tenantRoot = "/t/" + ResolvedTenant.current().slug().value();
        return path.startsWith(tenantRoot)
                && OidcDiscoveryService.PUBLIC_PATHS.contains(path.substring(tenantRoot.length()));
    }
}
