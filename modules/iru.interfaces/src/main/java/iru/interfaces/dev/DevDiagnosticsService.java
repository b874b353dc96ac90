package iru.interfaces.dev;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.interfaces.http.Json;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import java.util.Map;

/**
 * Diagnostic routes that tests use to observe shutdown and error capture: a request that takes a while, and one that
 * fails unexpectedly. Registered only when `IRU_DEV_ROUTES=true`; never in production.
 */
public final class DevDiagnosticsService implements HttpService {
    private static final long MAX_SLEEP_MILLIS = 30_000;

    @Override
    public void routing(HttpRules rules) {
        rules.get("/dev/sleep", this::sleep)
             .get("/dev/fail", this::fail);
    }

    private void sleep(ServerRequest req, ServerResponse res) {
        long millis;
        try {
            millis = Long.parseLong(req.query().first("ms").orElse("1000"));
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "ms must be an integer");
        }
        if (millis < 0 || millis > MAX_SLEEP_MILLIS) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "ms must be between 0 and " + MAX_SLEEP_MILLIS);
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sleeping", e);
        }
        Json.send(res, 200, Map.of("slept_ms", millis));
    }

    private void fail(ServerRequest req, ServerResponse res) {
        throw new IllegalStateException("deliberate failure from /dev/fail (internal detail that must not leak)");
    }
}
