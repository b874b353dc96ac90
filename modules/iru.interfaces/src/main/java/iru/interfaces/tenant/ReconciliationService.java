package iru.interfaces.tenant;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.interfaces.http.Json;
import iru.interfaces.http.PageParameters;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import iru.interfaces.provisioning.ReconciliationReport;
import iru.interfaces.provisioning.ScimReconciler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * `POST /t/{tenant}/v1/apps/{appId}/reconcile`: compares the application's accounts with its assignments now and
 * enqueues the corrections (delivered afterwards by the workers, like any change). Answers what it found.
 */
public final class ReconciliationService implements HttpService {
    private final ScimReconciler reconciler;

    public ReconciliationService(ScimReconciler reconciler) {
        this.reconciler = reconciler;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{tenant}/v1/apps/{appId}/reconcile", this::reconcile);
    }

    private void reconcile(ServerRequest req, ServerResponse res) {
        UUID appId = PageParameters.uuidParameter(req, "appId");
        ReconciliationReport report;
        try {
            report = reconciler.reconcile(ResolvedTenant.current(), appId).orElseThrow(() ->
                    new ProblemException(ProblemType.NOT_FOUND, "no application " + appId + " in this tenant"));
        } catch (ScimReconciler.ReconciliationException e) {
            throw new ProblemException(e.remote() ? ProblemType.UPSTREAM_UNAVAILABLE : ProblemType.CONFLICT,
                    e.getMessage());
        }
        Json.send(res, 200, representation(report));
    }

    static Map<String, Object> representation(ReconciliationReport report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("appId", report.appId().toString());
        body.put("remoteUsers", report.remoteUsers());
        body.put("remoteGroups", report.remoteGroups());
        body.put("enqueued", report.enqueued().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", c.kind());
            m.put("id", c.subjectId().toString());
            m.put("cause", c.cause());
            c.remoteId().ifPresent(id -> m.put("remoteId", id));
            return m;
        }).toList());
        body.put("unattributed", report.unattributed().stream().map(u -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", u.kind());
            m.put("remoteId", u.remoteId());
            if (u.name() != null) {
                m.put("name", u.name());
            }
            u.externalId().ifPresent(id -> m.put("externalId", id));
            m.put("reason", u.why());
            return m;
        }).toList());
        return body;
    }
}
