package iru.interfaces.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import iru.foundation.logging.StructuredLog;
import java.util.Map;
import java.util.Optional;

/**
 * The `Authorization: Bearer` handling both planes share: reading the presented value, and refusing with a 401
 * problem and a `WWW-Authenticate` challenge. A refusal is logged with its reason, never with the value presented.
 */
public final class BearerChallenge {
    private static final StructuredLog LOG = StructuredLog.of(BearerChallenge.class);
    private static final String BEARER = "Bearer ";

    private final String realm;

    public BearerChallenge(String realm) {
        this.realm = realm;
    }

    /** The presented bearer value, if the request carries one. */
    public static Optional<String> presented(RoutingRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String value = header.substring(BEARER.length()).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Answers 401 and logs why: `missing` (no bearer value) or `invalid` (one that does not authenticate). */
    public void refuse(RoutingRequest req, RoutingResponse res, String detail) {
        String reason = presented(req).isPresent() ? "invalid"
                : req.headers().first(HeaderNames.AUTHORIZATION).isPresent() ? "not a bearer token" : "missing";
        LOG.warn("auth.rejected", Map.of("realm", realm, "path", req.path().path(), "reason", reason,
                "remote", req.remotePeer().host()));
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
        Json.sendProblem(res, Problem.of(ProblemType.UNAUTHORIZED, detail), req.path().path());
    }
}
