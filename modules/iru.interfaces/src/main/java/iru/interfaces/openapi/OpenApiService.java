package iru.interfaces.openapi;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** `GET /openapi`: the plane's OpenAPI 3.1 document, as bundled (and checked against the routes by a test). */
public final class OpenApiService implements HttpService {
    public static final String TENANT_DOCUMENT = "/iru-openapi/tenant-api.json";
    public static final String CONTROL_DOCUMENT = "/iru-openapi/control-api.json";

    private final byte[] document;

    public OpenApiService(String resource) {
        this.document = load(resource);
    }

    public static byte[] load(String resource) {
        try (InputStream in = OpenApiService.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing OpenAPI document " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/openapi", this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.send(document);
    }
}
