package iru.interfaces.control;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.catalog.CatalogSync;
import iru.application.catalog.CatalogSyncResult;
import iru.interfaces.http.Json;
import iru.interfaces.http.Lists;
import iru.interfaces.tenant.Representations;
import java.util.LinkedHashMap;
import java.util.Map;

/** `POST /v1/catalog/sync` pulls the upstream catalog into every served region; `GET /v1/catalog` lists it. */
public final class CatalogControlService implements HttpService {
    private final CatalogSync catalog;

    public CatalogControlService(CatalogSync catalog) {
        this.catalog = catalog;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/catalog/sync", this::sync)
             .get("/v1/catalog", this::list);
    }

    private void sync(ServerRequest req, ServerResponse res) {
        CatalogSyncResult result = catalog.sync();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("added", result.added());
        body.put("updated", result.updated());
        body.put("unchanged", result.unchanged());
        body.put("removed", result.removed());
        body.put("deprecated", result.deprecated());
        body.put("total", result.total());
        Json.send(res, 200, body);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, Lists.all(catalog.directoryCatalog(), Representations::catalogEntry));
    }
}
