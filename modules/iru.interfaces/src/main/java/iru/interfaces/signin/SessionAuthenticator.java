package iru.interfaces.signin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.application.session.Sessions;
import iru.application.session.SignedInUser;
import iru.domain.tenant.TenantLocation;
import iru.foundation.database.AuditActor;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import iru.interfaces.http.RouteAuthenticator;
import iru.interfaces.tenant.ResolvedTenant;
import java.util.List;
import java.util.Optional;

/**
 * The `session` scheme: a live sign-in session of the tenant in the path (`__Host-iru_session`). A page request
 * without one is sent to sign-in and brought back afterwards; anything else is a 401. The signed-in person is the
 * audit actor of what the request changes.
 */
public final class SessionAuthenticator implements RouteAuthenticator {
    public static final String SCHEME = "session";

    private final Sessions sessions;

    public SessionAuthenticator(Sessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void authenticate(List<String> scopes, FilterChain chain, RoutingRequest req, RoutingResponse res) {
        TenantLocation tenant = ResolvedTenant.current();
        Optional<SignedInUser> user = BrowserCookies.read(req, Sessions.COOKIE)
                .flatMap(cookie -> sessions.current(tenant, cookie));
        if (user.isPresent()) {
            ScopedValue.where(AuditActor.CURRENT, "user:" + user.get().userId()).run(chain::proceed);
            return;
        }
        String base = "/t/" + tenant.slug().value();
        if (req.prologue().method().equals(Method.GET)) {
            res.status(Status.SEE_OTHER_303)
               .header(HeaderNames.LOCATION, base + "/signin?return_to=" + req.path().path())
               .send();
            return;
        }
        throw new ProblemException(Problem.of(ProblemType.UNAUTHORIZED, "Sign in first: this needs a session."));
    }
}
