package iru.domain.catalog;

import iru.domain.validation.InvalidFieldException;
import iru.foundation.crypto.Digests;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An application template from the upstream catalog. JSON-valued parts (SCIM capabilities, configuration schema)
 * are kept as JSON text so the platform stores exactly what upstream published.
 */
public record CatalogTemplate(String key, String name, String description, String logoUrl, List<String> protocols,
        String scimCapabilitiesJson, String configurationSchemaJson) {
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    public CatalogTemplate {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new InvalidFieldException("key", "template key '" + key + "' must match " + KEY.pattern());
        }
        if (name == null || name.isBlank()) {
            throw new InvalidFieldException("name", "template " + key + " has no name");
        }
        description = description == null ? "" : description;
        protocols = List.copyOf(protocols);
        scimCapabilitiesJson = Objects.requireNonNullElse(scimCapabilitiesJson, "{}");
        configurationSchemaJson = Objects.requireNonNullElse(configurationSchemaJson, "{}");
    }

    /** Identifies the content, so a sync can tell an unchanged template from an updated one. */
    public byte[] contentHash() {
        String canonical = String.join("\u0000", key, name, description, String.valueOf(logoUrl),
                String.join(",", protocols), scimCapabilitiesJson, configurationSchemaJson);
        return Digests.sha256(canonical);
    }
}
