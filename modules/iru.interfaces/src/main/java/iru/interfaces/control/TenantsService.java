package iru.interfaces.control;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.apikey.ApiKeys;
import iru.application.tenant.CreateTenant;
import iru.application.tenant.RegionUnavailableException;
import iru.application.tenant.TenantCreation;
import iru.application.tenant.TenantLifecycle;
import iru.application.tenant.TenantPage;
import iru.domain.apikey.Scope;
import iru.domain.tenant.Tenant;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantSlug;
import iru.foundation.config.Region;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.PageParameters;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import iru.interfaces.tenant.Representations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Control API for the tenant lifecycle: create, list, get, suspend, resume, delete. */
public final class TenantsService implements HttpService {
    private static final Set<String> CREATE_MEMBERS = Set.of("slug", "name", "region");
    private static final Set<String> STATUS_CHANGE_MEMBERS = Set.of("reason");

    private final TenantLifecycle tenants;
    private final ApiKeys apiKeys;

    public TenantsService(TenantLifecycle tenants, ApiKeys apiKeys) {
        this.tenants = tenants;
        this.apiKeys = apiKeys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/tenants", this::create)
             .get("/v1/tenants", this::list)
             .get("/v1/tenants/{id}", this::get)
             .delete("/v1/tenants/{id}", this::delete)
             .post("/v1/tenants/{id}/suspend", this::suspend)
             .post("/v1/tenants/{id}/resume", this::resume)
             .post("/v1/tenants/{id}/api-keys", this::issueApiKey);
    }

    /** The tenant's first API key (or another): shown once, in this response only. */
    private void issueApiKey(ServerRequest req, ServerResponse res) {
        TenantId id = new TenantId(PageParameters.uuidParameter(req, "id"));
        JsonRequest body = JsonRequest.read(req, Set.of("name", "scopes"));
        String name = body.optionalString("name").orElse("initial admin key");
        Set<Scope> scopes = Scope.fromWire(body.optionalStrings("scopes").orElse(List.of(Scope.ADMIN.wire())));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.send(res, 201, Representations.issuedApiKey(apiKeys.issueFor(id, name, scopes)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Optional<String> idempotencyKey = req.headers().first(HeaderNames.create("Idempotency-Key"));
        if (idempotencyKey.isPresent() && (idempotencyKey.get().isBlank() || idempotencyKey.get().length() > 200)) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Idempotency-Key must be 1 to 200 characters.");
        }
        JsonRequest body = JsonRequest.read(req, CREATE_MEMBERS);
        TenantSlug slug = new TenantSlug(body.requiredString("slug"));
        String name = Tenant.requireName(body.requiredString("name"));
        String regionCode = body.requiredString("region");
        Region region = Region.fromCode(regionCode).orElseThrow(() -> new RegionUnavailableException(regionCode));
        TenantCreation creation = tenants.create(new CreateTenant(slug, name, region), idempotencyKey);
        res.header(HeaderNames.LOCATION, "/v1/tenants/" + creation.tenant().id());
        if (creation.replayed()) {
            res.header(HeaderNames.create("Idempotent-Replayed"), "true");
        }
        Json.send(res, 201, TenantRepresentation.of(creation.tenant()));
    }

    private void list(ServerRequest req, ServerResponse res) {
        PageParameters page = PageParameters.from(req, 50, TenantLifecycle.MAX_PAGE);
        TenantPage result = tenants.list(page.after().map(TenantId::new), page.limit());
        List<Map<String, Object>> items = new ArrayList<>();
        for (TenantLocation location : result.tenants()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", location.id().toString());
            item.put("slug", location.slug().value());
            item.put("name", result.names().get(location.id()));
            item.put("region", location.region().code());
            item.put("status", location.status().name());
            items.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("nextCursor", result.next().map(id -> PageParameters.encode(id.value())).orElse(null));
        Json.send(res, 200, body);
    }

    private void get(ServerRequest req, ServerResponse res) {
        TenantId id = new TenantId(PageParameters.uuidParameter(req, "id"));
        Json.send(res, 200, TenantRepresentation.of(tenants.get(id)));
    }

    /** Idempotent: suspending a suspended tenant answers 200 again (recording a new reason, if it differs). */
    private void suspend(ServerRequest req, ServerResponse res) {
        TenantId id = new TenantId(PageParameters.uuidParameter(req, "id"));
        String reason = JsonRequest.read(req, STATUS_CHANGE_MEMBERS).requiredString("reason");
        Json.send(res, 200, TenantRepresentation.of(tenants.suspend(id, reason)));
    }

    /** Idempotent: resuming an active tenant answers 200 and changes nothing. */
    private void resume(ServerRequest req, ServerResponse res) {
        TenantId id = new TenantId(PageParameters.uuidParameter(req, "id"));
        String reason = JsonRequest.read(req, STATUS_CHANGE_MEMBERS).requiredString("reason");
        Json.send(res, 200, TenantRepresentation.of(tenants.resume(id, reason)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        tenants.delete(new TenantId(PageParameters.uuidParameter(req, "id")));
        res.status(204).send();
    }
}
