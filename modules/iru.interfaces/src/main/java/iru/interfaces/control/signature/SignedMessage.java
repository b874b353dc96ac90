package iru.interfaces.control.signature;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of an HTTP request a signature can cover (RFC 9421 §2), as the server received them.
 *
 * @param method    the request method, case as sent
 * @param scheme    `http` or `https`, as this server was reached
 * @param authority the `Host` the client sent
 * @param rawPath   the path as sent, still percent-encoded
 * @param rawQuery  the query as sent without `?`, if the request had one
 * @param fields    every header field by lowercase name, one entry per field line in order
 * @param body      the whole request body (empty when there is none)
 */
public record SignedMessage(String method, String scheme, String authority, String rawPath, Optional<String> rawQuery,
        Map<String, List<String>> fields, byte[] body) {
    public SignedMessage {
        Objects.requireNonNull(method, "method");
        scheme = Objects.requireNonNull(scheme, "scheme").toLowerCase(Locale.ROOT);
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(rawQuery, "rawQuery");
        fields = Map.copyOf(fields);
        for (String name : fields.keySet()) {
            if (!name.equals(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("field names must be lowercase: " + name);
            }
        }
        body = body.clone();
    }

    /** The field's value per RFC 9421 §2.1: each line trimmed, lines joined with `, `; empty if absent. */
    public Optional<String> field(String lowercaseName) {
        List<String> lines = fields.get(lowercaseName);
        if (lines == null || lines.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", lines.stream().map(String::strip).toList()));
    }

    /** `scheme://authority/path?query`, the target URI the client addressed (RFC 9110 §7.1). */
    public String targetUri() {
        return scheme + "://" + authority + requestTarget();
    }

    /** Path and query as in the request line. */
    public String requestTarget() {
        return path() + rawQuery.map(q -> "?" + q).orElse("");
    }

    public String path() {
        return rawPath.isEmpty() ? "/" : rawPath;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
