package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.oauth.OAuthClients;
import iru.interfaces.http.Json;
import iru.interfaces.http.PageParameters;
import java.util.Map;
import java.util.UUID;

/** `/t/{tenant}/v1/apps/{appId}/client-secret`: the application's OAuth client secret, rotated and shown once. */
public final class ClientSecretsService implements HttpService {
    private final OAuthClients clients;

    public ClientSecretsService(OAuthClients clients) {
        this.clients = clients;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{tenant}/v1/apps/{appId}/client-secret", this::rotate);
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        UUID appId = PageParameters.uuidParameter(req, "appId");
        String secret = clients.rotateSecret(ResolvedTenant.current(), appId);
        // The secret is in this response only: no cache between us and the caller may keep a copy.
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.send(res, 200, Map.of("clientId", appId.toString(), "clientSecret", secret));
    }
}
