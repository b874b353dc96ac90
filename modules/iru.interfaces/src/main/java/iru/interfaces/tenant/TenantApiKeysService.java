package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.apikey.ApiKeys;
import iru.domain.apikey.Scope;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.Lists;
import java.util.Set;

/** `/t/{tenant}/v1/api-keys`: key holders with the `admin` scope create, list and revoke keys. */
public final class TenantApiKeysService implements HttpService {
    private final ApiKeys keys;

    public TenantApiKeysService(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{tenant}/v1/api-keys", this::create)
             .get("/t/{tenant}/v1/api-keys", this::list)
             .delete("/t/{tenant}/v1/api-keys/{keyId}", this::revoke);
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, Set.of("name", "scopes"));
        String name = body.requiredString("name");
        Set<Scope> scopes = Scope.fromWire(body.optionalStrings("scopes")
                .orElseThrow(() -> JsonRequest.invalid("scopes", "is required")));
        // The secret is shown in this response only: no cache between us and the caller may keep a copy.
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.send(res, 201, Representations.issuedApiKey(keys.issue(ResolvedTenant.current(), name, scopes)));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, Lists.all(keys.list(ResolvedTenant.current()), Representations::apiKey));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        keys.revoke(ResolvedTenant.current(), req.path().pathParameters().get("keyId"));
        res.status(204).send();
    }
}
