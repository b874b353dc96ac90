package iru.interfaces.http;

import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;

/**
 * One security scheme of an OpenAPI document (`apiKey`, `session`, …): checks a request for an operation that
 * declares this scheme with `scopes`, then either proceeds with the chain (having bound who the caller is) or
 * answers the refusal itself.
 */
@FunctionalInterface
public interface RouteAuthenticator {
    void authenticate(List<String> scopes, FilterChain chain, RoutingRequest req, RoutingResponse res);
}
