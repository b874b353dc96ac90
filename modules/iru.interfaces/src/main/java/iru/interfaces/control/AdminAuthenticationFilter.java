package iru.interfaces.control;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.foundation.crypto.ConstantTimeTokens;
import iru.foundation.database.AuditActor;
import iru.foundation.secrets.SecretStore;
import iru.interfaces.http.BearerChallenge;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.http.FailedAuthentications.Admitted;
import java.util.Optional;

/**
 * Guards every `/v1/**` route of the control plane with the admin bearer token from the secret store (wired with a
 * short cache, so a rotation takes effect within its time to live); the current value is accepted, and the previous
 * one only as long as the store's rotation rule still accepts it. Failed attempts are limited per source address and
 * for the plane as a whole ({@link FailedAuthentications}); over the limit, attempts are refused before the secret
 * is fetched.
 */
public final class AdminAuthenticationFilter implements Filter {
    public static final String ADMIN_TOKEN_SECRET = "admin-token";

    private final SecretStore secrets;
    private final FailedAuthentications failures;
    private final BearerChallenge challenge = new BearerChallenge("iru-control");

    public AdminAuthenticationFilter(SecretStore secrets, FailedAuthentications failures) {
        this.secrets = secrets;
        this.failures = failures;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            chain.proceed();
            return;
        }
        Optional<Admitted> attempt = failures.admitOrRefuse(req, res, "iru-control");
        if (attempt.isEmpty()) {
            return;
        }
        Optional<String> token = BearerChallenge.presented(req);
        if (token.isEmpty()
                || !ConstantTimeTokens.matchesAny(token.get(), secrets.fetch(ADMIN_TOKEN_SECRET).acceptable())) {
            challenge.refuse(req, res, "A valid admin bearer token is required.");
            return;
        }
        attempt.get().succeeded();
        ScopedValue.where(AuditActor.CURRENT, "control:admin").run(chain::proceed);
    }
}
