package iru.interfaces.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import iru.application.catalog.CatalogFeed;
import iru.application.catalog.CatalogUnavailableException;
import iru.domain.catalog.CatalogTemplate;
import iru.foundation.secrets.Secret;
import iru.interfaces.http.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The upstream catalog over HTTP: `GET <IRU_CATALOG_URL>` with `Authorization: Bearer <credential>`, answering
 * `{"templates": [{"key", "name", "description", "logoUrl", "protocols", "scimCapabilities", "configurationSchema"}]}`.
 */
public final class HttpCatalogFeed implements CatalogFeed {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final WebClient client;

    public HttpCatalogFeed(URI url) {
        this.url = url;
        this.client = WebClient.builder().connectTimeout(TIMEOUT).readTimeout(TIMEOUT).build();
    }

    @Override
    public List<CatalogTemplate> fetch(Secret credential) {
        JsonNode body;
        try (HttpClientResponse response = client.get(url.toString())
                .header(HeaderNames.AUTHORIZATION, "Bearer " + credential.reveal())
                .header(HeaderNames.ACCEPT, "application/json")
                .request()) {
            int status = response.status().code();
            if (status != 200) {
                throw new CatalogUnavailableException("the upstream catalog answered HTTP " + status, null);
            }
            body = Json.MAPPER.readTree(response.inputStream());
        } catch (CatalogUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new CatalogUnavailableException("the upstream catalog at " + url.getHost() + " cannot be read: "
                    + e.getMessage(), e);
        }
        return parse(body);
    }

    static List<CatalogTemplate> parse(JsonNode body) {
        JsonNode templates = body == null ? null : body.get("templates");
        if (templates == null || !templates.isArray()) {
            throw new CatalogUnavailableException("the upstream catalog has no 'templates' array", null);
        }
        List<CatalogTemplate> parsed = new ArrayList<>();
        for (JsonNode t : templates) {
            List<String> protocols = new ArrayList<>();
            t.path("protocols").forEach(p -> protocols.add(p.asText()));
            try {
                parsed.add(new CatalogTemplate(text(t, "key"), text(t, "name"), text(t, "description"),
                        text(t, "logoUrl"), protocols, json(t, "scimCapabilities"), json(t, "configurationSchema")));
            } catch (RuntimeException invalid) {
                throw new CatalogUnavailableException("the upstream catalog has an invalid template: "
                        + invalid.getMessage(), invalid);
            }
        }
        return parsed;
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = node.get(member);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String json(JsonNode node, String member) {
        JsonNode value = node.get(member);
        return value == null || value.isNull() ? "{}" : value.toString();
    }
}
