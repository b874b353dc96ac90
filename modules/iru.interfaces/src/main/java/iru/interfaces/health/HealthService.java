package iru.interfaces.health;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.health.ReadinessCheck;
import iru.application.health.ReadinessReport;
import iru.interfaces.http.InFlightRequests;
import iru.interfaces.http.Json;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemType;
import java.util.Map;

/**
 * Probes for the orchestrator. `/livez` touches nothing (no database, no secrets, no auth) so a slow dependency never
 * gets a healthy process killed; `/readyz` answers 200 only when every pool answers.
 */
public final class HealthService implements HttpService {
    private final ReadinessCheck readiness;
    private final InFlightRequests inFlight;

    public HealthService(ReadinessCheck readiness, InFlightRequests inFlight) {
        this.readiness = readiness;
        this.inFlight = inFlight;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/livez", this::live)
             .get("/readyz", this::ready);
    }

    private void live(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, Map.of("status", "live"));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        ReadinessReport report = readiness.check();
        if (report.ready() && !inFlight.isDraining()) {
            Json.send(res, 200, Map.of("status", "ready", "databases", report.databases()));
            return;
        }
        // Names and categories only: hosts, users and server messages stay in the report under the correlation id.
        Problem problem = Problem.of(ProblemType.NOT_READY, report.ready()
                        ? "The process is draining its requests before it stops."
                        : "Not every database answers a ping.")
                .with("databases", report.databases());
        if (!report.ready()) {
            problem = problem.with("failures", report.failures());
        }
        if (report.correlationId().isPresent()) {
            problem = problem.with("correlationId", report.correlationId().get());
        }
        Json.sendProblem(res, problem, req.path().path());
    }
}
