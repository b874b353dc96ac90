package iru.interfaces.http;

import io.helidon.http.Header;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;

/**
 * Refuses, before any route runs, a request whose decoded path, query parameters or header values carry text
 * PostgreSQL cannot store ({@link StorableText}), and a query string that cannot be decoded. Bodies are checked
 * where they are parsed ({@link JsonRequest}, the form readers).
 */
public final class StorableTextFilter implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> where;
        try {
            where = unstorable(req);
        } catch (RuntimeException undecodable) {
            where = Optional.of("query string");
        }
        if (where.isPresent()) {
            Json.sendProblem(res, StorableText.refusal(where.get()), safe(req.path().rawPath()));
            return;
        }
        chain.proceed();
    }

    private static Optional<String> unstorable(RoutingRequest req) {
        if (!StorableText.storable(req.path().path())) {
            return Optional.of("path");
        }
        var query = req.query();
        for (String name : query.names()) {
            if (!StorableText.storable(name)) {
                return Optional.of("query parameter name");
            }
            for (String value : query.all(name)) {
                if (!StorableText.storable(value)) {
                    return Optional.of("query parameter '" + name + "'");
                }
            }
        }
        for (Header header : req.headers()) {
            for (String value : header.allValues()) {
                if (!StorableText.storable(value) || value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                    return Optional.of("header '" + header.name() + "'");
                }
            }
        }
        return Optional.empty();
    }

    private static String safe(String rawPath) {
        return StorableText.storable(rawPath) ? rawPath : "";
    }
}
