package iru.interfaces.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import iru.interfaces.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How each route of a plane is authenticated, read once from the plane's OpenAPI document: the operation's
 * `security` (or the document's). It is the single declaration; one filter enforces it and the contract test keeps
 * the document equal to the routes, so a route cannot exist without saying who may call it.
 */
public final class RouteSecurity {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    /**
     * What one operation requires: nothing (public), or one security scheme with its scopes. OpenAPI allows several
     * alternatives; this API uses at most one per operation, and the contract test holds it to that.
     */
    public record Requirement(Optional<String> scheme, List<String> scopes) {
        public static final Requirement PUBLIC = new Requirement(Optional.empty(), List.of());

        public Requirement {
            scopes = List.copyOf(scopes);
        }

        public boolean isPublic() {
            return scheme.isEmpty();
        }
    }

    /** One documented operation: method, path template and its requirement. */
    public record Operation(String method, String template, Requirement requirement) {
    }

    /**
     * A template's segments after its leading `/`: a literal, or null for a parameter, which matches any non-empty
     * segment. Compared segment by segment in place: a regex per documented route was the filter's whole cost.
     */
    private record Route(String[] segments, Operation operation) {
        static String[] segments(String template) {
            String[] segments = template.substring(1).split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                boolean parameter = segment.startsWith("{") && segment.endsWith("}") && segment.indexOf('{', 1) < 0;
                if (!parameter && (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0)) {
                    throw new IllegalStateException(template + ": a parameter must be a whole path segment");
                }
                segments[i] = parameter ? null : segment;
            }
            return segments;
        }

        boolean matches(String path) {
            int position = 0;
            for (String segment : segments) {
                if (position >= path.length() || path.charAt(position) != '/') {
                    return false;
                }
                int start = position + 1;
                int end = path.indexOf('/', start);
                end = end < 0 ? path.length() : end;
                boolean same = segment == null ? end > start
                        : end - start == segment.length() && path.regionMatches(start, segment, 0, segment.length());
                if (!same) {
                    return false;
                }
                position = end;
            }
            return position == path.length();
        }
    }

    private final List<Route> routes;

    private RouteSecurity(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static RouteSecurity of(String documentResource) {
        JsonNode document;
        try {
            document = Json.MAPPER.readTree(OpenApiService.load(documentResource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode defaultSecurity = document.path("security");
        List<Route> routes = new ArrayList<>();
        for (Iterator<String> names = document.get("paths").fieldNames(); names.hasNext(); ) {
            String template = names.next();
            JsonNode path = document.get("paths").get(template);
            if (!template.startsWith("/")) {
                throw new IllegalStateException(template + ": a path template starts with /");
            }
            String[] segments = Route.segments(template);
            for (Iterator<String> methods = path.fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (!METHODS.contains(method)) {
                    continue;
                }
                JsonNode security = path.get(method).has("security") ? path.get(method).get("security") : defaultSecurity;
                routes.add(new Route(segments, new Operation(method.toUpperCase(Locale.ROOT), template,
                        requirement(method + " " + template, security))));
            }
        }
        return new RouteSecurity(routes);
    }

    private static Requirement requirement(String operation, JsonNode security) {
        if (security.isMissingNode() || !security.isArray()) {
            throw new IllegalStateException(operation + " declares no security (use [] for a public route)");
        }
        if (security.isEmpty()) {
            return Requirement.PUBLIC;
        }
        if (security.size() != 1 || security.get(0).size() != 1) {
            throw new IllegalStateException(operation + " must declare exactly one security scheme, or []");
        }
        String scheme = security.get(0).fieldNames().next();
        List<String> scopes = new ArrayList<>();
        security.get(0).get(scheme).forEach(scope -> scopes.add(scope.asText()));
        return new Requirement(Optional.of(scheme), scopes);
    }

    /**
     * The operation a request is for, if the document has it. A path matched under another method (a 405) or not at
     * all (a 404) has none: routing answers it, and no handler runs.
     */
    public Optional<Operation> operationFor(String method, String path) {
        for (Route route : routes) {
            if (route.operation().method().equals(method) && route.matches(path)) {
                return Optional.of(route.operation());
            }
        }
        return Optional.empty();
    }

    /** Every documented operation, for the contract test and for startup checks. */
    public List<Operation> operations() {
        return routes.stream().map(Route::operation).toList();
    }

    /** The schemes the document uses, so a plane can refuse to start on one it has no authenticator for. */
    public Set<String> schemes() {
        Set<String> schemes = new TreeSet<>();
        routes.forEach(r -> r.operation().requirement().scheme().ifPresent(schemes::add));
        return schemes;
    }
}
