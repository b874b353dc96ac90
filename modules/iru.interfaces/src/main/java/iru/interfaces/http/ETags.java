package iru.interfaces.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/** Strong ETags from resource versions, and the If-Match precondition. */
public final class ETags {
    private ETags() {
    }

    public static void set(ServerResponse res, int version) {
        res.header(HeaderNames.ETAG, "\"" + version + "\"");
    }

    /**
     * The version If-Match names; empty when the header is absent or `*`. A value that is not one of our ETags can
     * never match, so it is answered as a failed precondition rather than ignored.
     */
    public static Optional<Integer> ifMatch(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.IF_MATCH);
        if (header.isEmpty() || header.get().strip().equals("*")) {
            return Optional.empty();
        }
        String value = header.get().strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        try {
            if (value.length() < 3 || !value.startsWith("\"") || !value.endsWith("\"")) {
                throw new NumberFormatException();
            }
            return Optional.of(Integer.parseInt(value.substring(1, value.length() - 1)));
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.PRECONDITION_FAILED, "If-Match does not name a version of this resource.");
        }
    }
}
