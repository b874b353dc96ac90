package iru.interfaces.tenant;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.tenant.TenantProfile;
import iru.interfaces.control.TenantRepresentation;
import iru.interfaces.http.Json;

/** `GET /t/{slug}/v1/tenant`: the tenant record from the tenant's regional database. */
public final class TenantProfileService implements HttpService {
    private final TenantProfile profile;

    public TenantProfileService(TenantProfile profile) {
        this.profile = profile;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{slug}/v1/tenant", this::read);
    }

    private void read(ServerRequest req, ServerResponse res) { // any valid key of the tenant may read it
        Json.send(res, 200, TenantRepresentation.of(profile.read(ResolvedTenant.current())));
    }
}
