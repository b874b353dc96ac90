package iru.interfaces.control;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.signing.SigningKeys;
import iru.domain.signing.SigningKey;
import iru.domain.tenant.TenantId;
import iru.interfaces.http.Json;
import iru.interfaces.http.PageParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Control API for a tenant's token signing keys: create (as next), list, activate. Never the private part. */
public final class SigningKeysService implements HttpService {
    private final SigningKeys keys;

    public SigningKeysService(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/tenants/{id}/signing-keys", this::create)
             .get("/v1/tenants/{id}/signing-keys", this::list)
             .post("/v1/tenants/{id}/signing-keys/{kid}/activate", this::activate);
    }

    private void create(ServerRequest req, ServerResponse res) {
        Json.send(res, 201, representation(keys.create(tenant(req))));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, Map.of("items", keys.list(tenant(req)).stream().map(SigningKeysService::representation)
                .toList()));
    }

    private void activate(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, representation(keys.activate(tenant(req), req.path().pathParameters().get("kid"))));
    }

    private static TenantId tenant(ServerRequest req) {
        return new TenantId(PageParameters.uuidParameter(req, "id"));
    }

    static Map<String, Object> representation(SigningKey key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kid", key.kid());
        json.put("alg", key.alg());
        json.put("status", key.status().name());
        try {
            json.put("publicJwk", Json.MAPPER.readTree(key.publicJwk()));
        } catch (IOException e) {
            throw new UncheckedIOException("stored public JWK is not JSON", e);
        }
        json.put("createdAt", key.createdAt().toString());
        json.put("activatedAt", text(key.activatedAt()));
        json.put("retiringSince", text(key.retiringSince()));
        json.put("retireAfter", text(key.retireAfter()));
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
