package iru.interfaces.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The routes a plane's OpenAPI document declares, used to tell "no such resource" (404) from "resource exists, not
 * with this method" (405 with `Allow`). The contract test keeps the document equal to the registered routes.
 */
public final class DocumentedRoutes {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private record Route(Pattern path, Set<String> methods) {
    }

    private final List<Route> routes;

    private DocumentedRoutes(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static DocumentedRoutes of(String documentResource) {
        JsonNode paths;
        try {
            paths = Json.MAPPER.readTree(OpenApiService.load(documentResource)).get("paths");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Route> routes = new ArrayList<>();
        for (Iterator<String> names = paths.fieldNames(); names.hasNext(); ) {
            String template = names.next();
            Set<String> methods = new TreeSet<>();
            paths.get(template).fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    methods.add(m.toUpperCase(Locale.ROOT));
                }
            });
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            routes.add(new Route(Pattern.compile(regex), methods));
        }
        return new DocumentedRoutes(routes);
    }

    /** The methods documented for a concrete path (empty when the path matches no documented route). */
    public Set<String> methodsFor(String path) {
        Set<String> methods = new TreeSet<>();
        routes.stream().filter(r -> r.path().matcher(path).matches()).forEach(r -> methods.addAll(r.methods()));
        return methods;
    }
}
