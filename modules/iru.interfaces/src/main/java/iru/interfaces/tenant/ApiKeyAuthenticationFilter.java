package iru.interfaces.tenant;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.application.apikey.ApiKeys;
import iru.domain.apikey.ApiKey;
import iru.foundation.database.AuditActor;
import iru.interfaces.http.BearerChallenge;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.http.FailedAuthentications.Admitted;
import java.util.Optional;

/**
 * Every tenant-API route needs `Authorization: Bearer iruk_…`, a live key of the tenant in the path. Runs after
 * {@link TenantRoutingFilter}, so the key is looked up in the tenant's own region under its row-level scope; the key
 * then acts as the audit actor of every change the request makes. Failed attempts are limited per source address
 * and per tenant ({@link FailedAuthentications}); once over the limit, attempts are refused before the key lookup.
 */
public final class ApiKeyAuthenticationFilter implements Filter {
    private final ApiKeys keys;
    private final FailedAuthentications failures;
    private final BearerChallenge challenge = new BearerChallenge("iru-tenant");

    public ApiKeyAuthenticationFilter(ApiKeys keys, FailedAuthentications failures) {
        this.keys = keys;
        this.failures = failures;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        // Temporary until routes declare their security: the sign-in pages and ceremonies are public or
        // session-authenticated and check that themselves; only /t/{slug}/v1/ needs an API key.
        if (!ResolvedTenant.CURRENT.isBound() || !req.path().path().matches("/t/[^/]+/v1/.*")) {
            chain.proceed();
            return;
        }
        String realm = ResolvedTenant.current().id().toString();
        Optional<Admitted> attempt = failures.admitOrRefuse(req, res, realm);
        if (attempt.isEmpty()) {
            return;
        }
        Optional<ApiKey> key = BearerChallenge.presented(req)
                .flatMap(presented -> keys.authenticate(ResolvedTenant.current(), presented));
        if (key.isEmpty()) {
            challenge.refuse(req, res, "A valid API key of this tenant is required.");
            return;
        }
        attempt.get().succeeded();
        ScopedValue.where(Caller.KEY, key.get())
                .where(AuditActor.CURRENT, "key:" + key.get().id())
                .run(chain::proceed);
    }
}
