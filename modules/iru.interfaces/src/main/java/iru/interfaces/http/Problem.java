package iru.interfaces.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** An RFC 9457 problem detail. `extensions` carries members such as the offending field or a correlation id. */
public record Problem(ProblemType type, String detail, Map<String, Object> extensions) {
    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
        extensions = Map.copyOf(extensions);
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type, detail, Map.of());
    }

    public Problem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, value);
        return new Problem(type, detail, more);
    }

    /** The JSON members in RFC 9457 order, with `instance` set to the request path. */
    public Map<String, Object> body(String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri().toString());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        body.put("instance", instance);
        body.putAll(extensions);
        return body;
    }
}
