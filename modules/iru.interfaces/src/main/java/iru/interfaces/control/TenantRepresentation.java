package iru.interfaces.control;

import iru.domain.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of a tenant, shared by the control API and the tenant API. */
public final class TenantRepresentation {
    private TenantRepresentation() {
    }

    public static Map<String, Object> of(Tenant tenant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", tenant.id().toString());
        json.put("slug", tenant.slug().value());
        json.put("name", tenant.name());
        json.put("region", tenant.region().code());
        json.put("status", tenant.status().name());
        json.put("createdAt", tenant.createdAt().toString());
        return json;
    }
}
