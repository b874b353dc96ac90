package iru.interfaces.http;

import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * `limit` and `cursor` query parameters. A cursor is opaque to clients (base64url of the last id of the previous
 * page); anything that does not decode to one is a 400 naming `cursor`, never an empty page.
 */
public record PageParameters(int limit, Optional<UUID> after) {
    private static final String PREFIX = "v1:";

    public static PageParameters from(ServerRequest req, int defaultLimit, int maxLimit) {
        int limit = defaultLimit;
        Optional<String> rawLimit = req.query().first("limit").asOptional();
        if (rawLimit.isPresent()) {
            try {
                limit = Integer.parseInt(rawLimit.get());
            } catch (NumberFormatException e) {
                throw badParameter("limit", "must be an integer between 1 and " + maxLimit);
            }
            if (limit < 1 || limit > maxLimit) {
                throw badParameter("limit", "must be an integer between 1 and " + maxLimit);
            }
        }
        Optional<UUID> after = req.query().first("cursor").asOptional().map(PageParameters::decode);
        return new PageParameters(limit, after);
    }

    public static String encode(UUID lastId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static UUID decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(PREFIX)) {
                throw new IllegalArgumentException("wrong prefix");
            }
            return UUID.fromString(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw badParameter("cursor", "is not a cursor this API issued");
        }
    }

    static ProblemException badParameter(String name, String reason) {
        return new ProblemException(Problem.of(ProblemType.MALFORMED_REQUEST, "'" + name + "' " + reason + ".")
                .with("field", name));
    }

    /** Parses a path parameter that must be a UUID, or answers 400 naming it. */
    public static UUID uuidParameter(ServerRequest req, String name) {
        String raw = req.path().pathParameters().get(name);
        try {
            UUID id = UUID.fromString(raw);
            if (!id.toString().equalsIgnoreCase(raw)) {
                throw new IllegalArgumentException("not canonical");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw badParameter(name, "must be a UUID");
        }
    }
}
