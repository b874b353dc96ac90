package iru.interfaces.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers what the web server refuses before routing (a request line or header it cannot parse, a NUL or control
 * character in a header, a header section too large) as problem+json like every other refusal, instead of the
 * server's empty default: 413 `payload-too-large`, any other 4xx `malformed-request` (400), anything else
 * `internal-error`. The connection is closed afterwards.
 */
public final class ProblemDirectHandler implements DirectHandler {
    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
            ServerResponseHeaders headers, String message) {
        ProblemType type = status.code() == 413 ? ProblemType.PAYLOAD_TOO_LARGE
                : status.code() >= 400 && status.code() < 500 ? ProblemType.MALFORMED_REQUEST
                : ProblemType.INTERNAL_ERROR;
        String detail = type == ProblemType.INTERNAL_ERROR ? "The request could not be handled."
                : "The server could not read the request line or headers.";
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(Problem.of(type, detail).body(""));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem not serializable", e);
        }
        return TransportResponse.builder()
                .status(Status.create(type.status()))
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/problem+json; charset=utf-8")
                .keepAlive(false)
                .entity(body)
                .build();
    }
}
