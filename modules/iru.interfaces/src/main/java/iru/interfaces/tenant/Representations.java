package iru.interfaces.tenant;

import iru.domain.apikey.Scope;
import iru.domain.apikey.ApiKey;
import iru.domain.apikey.IssuedApiKey;
import iru.domain.application.Application;
import iru.domain.catalog.CatalogEntry;
import iru.domain.group.Group;
import iru.domain.user.User;
import iru.interfaces.http.Json;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of each tenant-API resource, in one place so both planes render them alike. */
public final class Representations {
    private Representations() {
    }

    public static Map<String, Object> user(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id().toString());
        json.put("userName", user.profile().userName());
        json.put("email", user.profile().email());
        json.put("givenName", user.profile().givenName());
        json.put("familyName", user.profile().familyName());
        json.put("displayName", user.profile().displayName());
        json.put("externalId", user.profile().externalId());
        json.put("status", user.status().name());
        json.put("createdAt", text(user.createdAt()));
        json.put("updatedAt", text(user.updatedAt()));
        return json;
    }

    public static Map<String, Object> group(Group group) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", group.id().toString());
        json.put("displayName", group.displayName());
        json.put("description", group.description());
        json.put("createdAt", text(group.createdAt()));
        json.put("updatedAt", text(group.updatedAt()));
        return json;
    }

    public static Map<String, Object> application(Application app) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", app.id().toString());
        json.put("templateKey", app.templateKey());
        json.put("displayName", app.settings().displayName());
        json.put("redirectUris", app.settings().redirectUris());
        json.put("scimBaseUrl", app.settings().scimBaseUrl());
        json.put("allowedScopes", app.settings().allowedScopes());
        json.put("scimCredentialSet", app.scimCredentialSetAt().isPresent());
        json.put("scimCredentialSetAt", app.scimCredentialSetAt().map(Representations::text).orElse(null));
        json.put("createdAt", text(app.createdAt()));
        json.put("updatedAt", text(app.updatedAt()));
        return json;
    }

    public static Map<String, Object> apiKey(ApiKey key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", key.id());
        json.put("name", key.name());
        json.put("prefix", key.visiblePrefix());
        json.put("scopes", key.scopes().stream().map(Scope::wire).sorted().toList());
        json.put("createdAt", text(key.createdAt()));
        json.put("revokedAt", text(key.revokedAt()));
        return json;
    }

    public static Map<String, Object> issuedApiKey(IssuedApiKey issued) {
        Map<String, Object> json = apiKey(issued.key());
        json.put("key", issued.plaintext());
        return json;
    }

    public static Map<String, Object> catalogEntry(CatalogEntry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        var t = entry.template();
        json.put("key", t.key());
        json.put("name", t.name());
        json.put("description", t.description());
        json.put("logoUrl", t.logoUrl());
        json.put("protocols", t.protocols());
        json.put("scimCapabilities", parse(t.scimCapabilitiesJson()));
        json.put("configurationSchema", parse(t.configurationSchemaJson()));
        json.put("status", entry.deprecated() ? "deprecated" : "active");
        json.put("syncedAt", text(entry.syncedAt()));
        return json;
    }

    private static Object parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
