package iru.interfaces.control;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.tenant.TenantRelyingParties;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.WebAuthnRelyingParty;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.PageParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Control API for a tenant's WebAuthn relying party: read the effective one, set the tenant's own (rpId and origins,
 * validated as a browser would), or return to the deployment's.
 */
public final class WebAuthnRelyingPartyService implements HttpService {
    private static final Set<String> MEMBERS = Set.of("rpId", "origins");

    private final TenantRelyingParties relyingParties;

    public WebAuthnRelyingPartyService(TenantRelyingParties relyingParties) {
        this.relyingParties = relyingParties;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/tenants/{id}/webauthn", this::read)
             .put("/v1/tenants/{id}/webauthn", this::change)
             .delete("/v1/tenants/{id}/webauthn", this::reset);
    }

    private void read(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, representation(relyingParties.read(tenant(req))));
    }

    private void change(ServerRequest req, ServerResponse res) {
        TenantId id = tenant(req);
        JsonRequest body = JsonRequest.read(req, MEMBERS);
        WebAuthnRelyingParty relyingParty = new WebAuthnRelyingParty(body.requiredString("rpId"),
                body.optionalStrings("origins").orElseThrow(() -> JsonRequest.invalid("origins", "is required")));
        Json.send(res, 200, representation(relyingParties.change(id, relyingParty)));
    }

    private void reset(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, representation(relyingParties.reset(tenant(req))));
    }

    private static TenantId tenant(ServerRequest req) {
        return new TenantId(PageParameters.uuidParameter(req, "id"));
    }

    private static Map<String, Object> representation(TenantRelyingParties.Effective effective) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rpId", effective.rpId());
        json.put("origins", effective.origins());
        json.put("source", effective.tenantOwn() ? "tenant" : "deployment");
        return json;
    }
}
