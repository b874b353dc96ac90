package iru.interfaces.tenant;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.catalog.CatalogSync;
import iru.interfaces.http.Json;
import iru.interfaces.http.Lists;

/** `GET /t/{tenant}/v1/catalog`: the templates as the tenant's region holds them. */
public final class TenantCatalogService implements HttpService {
    private final CatalogSync catalog;

    public TenantCatalogService(CatalogSync catalog) {
        this.catalog = catalog;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{tenant}/v1/catalog", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, Lists.all(catalog.regionalCatalog(ResolvedTenant.current()), Representations::catalogEntry));
    }
}
