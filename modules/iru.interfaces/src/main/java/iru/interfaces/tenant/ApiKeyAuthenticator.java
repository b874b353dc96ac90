package iru.interfaces.tenant;

import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.application.apikey.ApiKeys;
import iru.domain.apikey.ApiKey;
import iru.domain.apikey.Scope;
import iru.foundation.database.AuditActor;
import iru.interfaces.http.BearerChallenge;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.http.FailedAuthentications.Admitted;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import iru.interfaces.http.RouteAuthenticator;
import java.util.List;
import java.util.Optional;

/**
 * The `apiKey` scheme: `Authorization: Bearer iruk_…`, a live key of the tenant in the path, granting every scope the
 * operation declares. Runs after {@link TenantRoutingFilter}, so the key is looked up in the tenant's own region
 * under its row-level scope; the key then acts as the audit actor of every change the request makes. Failed
 * attempts are limited per source address and per tenant ({@link FailedAuthentications}); once over the limit,
 * attempts are refused before the key lookup.
 */
public final class ApiKeyAuthenticator implements RouteAuthenticator {
    public static final String SCHEME = "apiKey";

    private final ApiKeys keys;
    private final FailedAuthentications failures;
    private final BearerChallenge challenge = new BearerChallenge("iru-tenant");

    public ApiKeyAuthenticator(ApiKeys keys, FailedAuthentications failures) {
        this.keys = keys;
        this.failures = failures;
    }

    @Override
    public void authenticate(List<String> scopes, FilterChain chain, RoutingRequest req, RoutingResponse res) {
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
        for (String wire : scopes) {
            Scope required = Scope.fromWire(wire);
            if (!Scope.allows(key.get().scopes(), required)) {
                throw new ProblemException(Problem.of(ProblemType.FORBIDDEN, "This API key lacks the scope '"
                        + required.wire() + "'.").with("requiredScope", required.wire()));
            }
        }
        ScopedValue.where(Caller.KEY, key.get())
                .where(AuditActor.CURRENT, "key:" + key.get().id())
                .run(chain::proceed);
    }
}
