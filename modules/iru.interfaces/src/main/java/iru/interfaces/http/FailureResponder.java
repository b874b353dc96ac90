package iru.interfaces.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.telemetry.Telemetry;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Renders every failure of a route as problem+json: typed failures through {@link ProblemMapping}, anything else
 * as a 500 whose detail leaks nothing. Every 5xx carries a correlation id that is also on the captured error and
 * the span.
 * Unmatched paths get a problem too, never the server's plain-text page.
 */
public final class FailureResponder {
    private static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("iru.correlation_id");

    private final ErrorReporter errors;

    public FailureResponder(ErrorReporter errors) {
        this.errors = errors;
    }

    /** Installs the error handler; call {@link #registerFallback} after every service is registered. */
    public void registerErrorHandler(HttpRouting.Builder routing) {
        routing.error(Throwable.class, this::respond);
    }

    /**
     * Answers what no route matched: 405 with `Allow` when the path is a documented resource that lacks the method,
     * 404 otherwise.
     */
    public void registerFallback(HttpRouting.Builder routing, Function<String, Set<String>> documentedMethods) {
        routing.any((req, res) -> {
            String path = req.path().path();
            Set<String> allowed = documentedMethods.apply(path);
            if (allowed.isEmpty()) {
                Json.sendProblem(res, Problem.of(ProblemType.NOT_FOUND, "No resource at this path."), path);
                return;
            }
            res.header(HeaderNames.ALLOW, String.join(", ", allowed));
            Json.sendProblem(res, Problem.of(ProblemType.METHOD_NOT_ALLOWED, req.prologue().method().text()
                    + " is not allowed here; allowed: " + String.join(", ", allowed) + "."), path);
        });
    }

    private void respond(ServerRequest req, ServerResponse res, Throwable failure) {
        Problem problem = ProblemMapping.toProblem(failure)
                .map(known -> known.type().status() >= 500 ? correlated(known, failure) : known)
                .orElseGet(() -> correlated(Problem.of(ProblemType.INTERNAL_ERROR,
                        "An unexpected error occurred. Quote the correlation id when reporting it."), failure));
        if (!res.isSent()) {
            Json.sendProblem(res, problem, req.path().path());
        }
    }

    /** Every 5xx, expected (a database down) or not, is captured and carries an id that finds it again. */
    private Problem correlated(Problem problem, Throwable failure) {
        String correlationId = UUID.randomUUID().toString();
        Span span = Span.current();
        Telemetry.recordFailure(span, failure);
        span.setAttribute(CORRELATION_ID, correlationId);
        errors.capture(failure, correlationId);
        return problem.with("correlationId", correlationId);
    }
}
