package iru.interfaces.control;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.foundation.crypto.ConstantTimeTokens;
import iru.foundation.database.AuditActor;
import iru.foundation.logging.StructuredLog;
import iru.foundation.secrets.SecretStore;
import iru.interfaces.http.Json;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemType;
import java.util.Map;

/**
 * Guards every `/v1/**` route of the control plane with the admin bearer token from the secret store, fetched per
 * request so a rotation takes effect at once; the current and the previous value are both accepted during one.
 * Rejections are logged without the presented token.
 */
public final class AdminAuthenticationFilter implements Filter {
    public static final String ADMIN_TOKEN_SECRET = "admin-token";
    private static final StructuredLog LOG = StructuredLog.of(AdminAuthenticationFilter.class);
    private static final String BEARER = "Bearer ";

    private final SecretStore secrets;

    public AdminAuthenticationFilter(SecretStore secrets) {
        this.secrets = secrets;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            chain.proceed();
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        String reason = null;
        if (header.isEmpty()) {
            reason = "missing";
        } else if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            reason = "not a bearer token";
        } else if (!ConstantTimeTokens.matchesAny(header.substring(BEARER.length()).strip(),
                secrets.fetch(ADMIN_TOKEN_SECRET).acceptable())) {
            reason = "invalid";
        }
        if (reason != null) {
            LOG.warn("auth.rejected", Map.of("plane", "control", "path", path, "reason", reason,
                    "remote", req.remotePeer().host()));
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"iru-control\"");
            Json.sendProblem(res, Problem.of(ProblemType.UNAUTHORIZED,
                    "A valid admin bearer token is required."), path);
            return;
        }
        ScopedValue.where(AuditActor.CURRENT, "control:admin").run(chain::proceed);
    }
}
