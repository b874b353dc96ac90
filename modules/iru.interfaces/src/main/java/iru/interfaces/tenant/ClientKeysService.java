package iru.interfaces.tenant;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.oauth.ClientKeySet;
import iru.application.oauth.OAuthClients;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.PageParameters;
import java.util.Set;
import java.util.UUID;

/**
 * `/t/{tenant}/v1/apps/{appId}/client-keys`: the public JWK set an application signs its `private_key_jwt` client
 * assertions with. `PUT` replaces the whole set (an empty `keys` array removes them); private or symmetric keys are a
 * 400 and change nothing.
 */
public final class ClientKeysService implements HttpService {
    private static final Set<String> JWKS = Set.of("keys");

    private final OAuthClients clients;

    public ClientKeysService(OAuthClients clients) {
        this.clients = clients;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{tenant}/v1/apps/{appId}/client-keys", this::get)
             .put("/t/{tenant}/v1/apps/{appId}/client-keys", this::replace);
    }

    private void get(ServerRequest req, ServerResponse res) {
        send(res, clients.keys(ResolvedTenant.current(), appId(req)));
    }

    private void replace(ServerRequest req, ServerResponse res) {
        UUID appId = appId(req);
        JsonRequest body = JsonRequest.read(req, JWKS);
        if (!body.node().path("keys").isArray()) {
            throw JsonRequest.invalid("keys", "must be an array of JWKs");
        }
        ClientKeySet keys = ClientKeySet.parse(body.node().toString());
        clients.replaceKeys(ResolvedTenant.current(), appId, keys);
        send(res, keys);
    }

    private static void send(ServerResponse res, ClientKeySet keys) {
        Json.send(res, 200, keys.keys().toJSONObject(true));
    }

    private static UUID appId(ServerRequest req) {
        return PageParameters.uuidParameter(req, "appId");
    }
}
