package iru.testkit.scim;

import java.time.Instant;

/**
 * One call as a {@link LoopbackScimServer} answered it. `path` is relative to the base URI (`/Users/{id}`), `query` is
 * the raw query string or null, `status` what was answered, `injected` whether a fault answered instead of the server.
 * `authorization` is the header as sent, kept out of {@link #toString()}.
 */
public record ScimRequest(Instant at, String method, String path, String query, String body, String ifMatch,
        String authorization, int status, boolean injected) {

    /** Whether the call carried `Authorization: Bearer token`. */
    public boolean bearer(String token) {
        return ("Bearer " + token).equals(authorization);
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query) + " -> " + status
                + (injected ? " (injected)" : "");
    }
}
