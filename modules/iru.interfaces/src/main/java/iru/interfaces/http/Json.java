package iru.interfaces.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** JSON in and out at the HTTP edge. Strict on input: unknown and duplicate members and trailing tokens are errors. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }

    public static void send(ServerResponse res, int status, Object body) {
        sendAs(res, status, "application/json", body);
    }

    public static void sendProblem(ServerResponse res, Problem problem, String instance) {
        sendAs(res, problem.type().status(), "application/problem+json", problem.body(instance));
    }

    /** A body that is JSON already (serialized once and kept, like a tenant's JWKS). */
    public static void sendSerialized(ServerResponse res, int status, String json) {
        sendBytes(res, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static void sendAs(ServerResponse res, int status, String mediaType, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serializable", e);
        }
        sendBytes(res, status, mediaType, bytes);
    }

    private static void sendBytes(ServerResponse res, int status, String mediaType, byte[] bytes) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, mediaType + "; charset=utf-8");
        res.send(bytes);
    }
}
