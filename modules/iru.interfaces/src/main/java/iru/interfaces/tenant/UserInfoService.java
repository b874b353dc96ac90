package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.oauth.OidcProvider;
import iru.interfaces.http.Json;
import java.util.Map;
import java.util.Optional;

/**
 * `GET /t/{slug}/userinfo`. Declared `security: []` because it authenticates the bearer access token itself (an
 * API key is not what a relying party holds): the token must verify against the tenant's JWKS, be `at+jwt` from this
 * issuer, unexpired, and its grant not revoked. Failures are RFC 6750 401s with `WWW-Authenticate: Bearer`.
 */
public final class UserInfoService implements HttpService {
    private final OidcProvider provider;

    public UserInfoService(OidcProvider provider) {
        this.provider = provider;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{slug}/userinfo", this::userInfo);
    }

    private void userInfo(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Optional<String> token = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim());
        Optional<Map<String, Object>> claims = token.flatMap(t -> provider.userInfo(ResolvedTenant.current(), t));
        if (claims.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, token.isEmpty() ? "Bearer"
                    : "Bearer error=\"invalid_token\", error_description=\"the access token is not valid\"");
            Json.send(res, 401, Map.of("error", token.isEmpty() ? "invalid_request" : "invalid_token"));
            return;
        }
        Json.send(res, 200, claims.get());
    }
}
