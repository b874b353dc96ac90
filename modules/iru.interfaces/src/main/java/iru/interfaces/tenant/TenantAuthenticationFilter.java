package iru.interfaces.tenant;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.interfaces.http.RouteAuthenticator;
import iru.interfaces.openapi.RouteSecurity;
import iru.interfaces.openapi.RouteSecurity.Requirement;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place tenant-plane routes are authenticated: each request under `/t/{slug}/` is held to the `security` its
 * operation declares in the tenant OpenAPI document (public, API key with scopes, session, …), through the
 * authenticator of that scheme. A path the document does not have is held to the document's default, so nothing
 * undeclared is ever public. Runs after {@link TenantRoutingFilter}.
 */
public final class TenantAuthenticationFilter implements Filter {
    private final RouteSecurity security;
    private final Requirement fallback;
    private final Map<String, RouteAuthenticator> authenticators;

    public TenantAuthenticationFilter(RouteSecurity security, Requirement fallback,
            Map<String, RouteAuthenticator> authenticators) {
        this.security = security;
        this.fallback = fallback;
        this.authenticators = Map.copyOf(authenticators);
        Set<String> missing = new TreeSet<>(security.schemes());
        fallback.scheme().ifPresent(missing::add);
        missing.removeAll(this.authenticators.keySet());
        if (!missing.isEmpty()) { // fail at startup, not on the first request of such a route
            throw new IllegalStateException("no authenticator for security scheme(s) " + missing);
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!ResolvedTenant.CURRENT.isBound()) {
            chain.proceed();
            return;
        }
        Requirement requirement = security.operationFor(req.prologue().method().text(), req.path().path())
                .map(RouteSecurity.Operation::requirement)
                .orElse(fallback);
        if (requirement.isPublic()) {
            chain.proceed();
            return;
        }
        authenticators.get(requirement.scheme().get()).authenticate(requirement.scopes(), chain, req, res);
    }
}
