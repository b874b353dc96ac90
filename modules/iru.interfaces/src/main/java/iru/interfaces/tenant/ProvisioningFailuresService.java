package iru.interfaces.tenant;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.provisioning.ProvisioningFailures;
import iru.domain.provisioning.ParkedRecord;
import iru.interfaces.http.Json;
import iru.interfaces.http.PageParameters;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** `/t/{tenant}/v1/provisioning/failures`: parked provisioning records, and their retry. */
public final class ProvisioningFailuresService implements HttpService {
    private static final Pattern SEQUENCE = Pattern.compile("[1-9][0-9]{0,17}");
    private static final String CURSOR_PREFIX = "pf1:";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    private final ProvisioningFailures failures;

    public ProvisioningFailuresService(ProvisioningFailures failures) {
        this.failures = failures;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{tenant}/v1/provisioning/failures", this::list)
             .post("/t/{tenant}/v1/provisioning/failures/{failureId}/retry", this::retry);
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = limit(req);
        Optional<Long> after = req.query().first("cursor").asOptional().map(ProvisioningFailuresService::decode);
        ProvisioningFailures.FailurePage page = failures.list(ResolvedTenant.current(), after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(ProvisioningFailuresService::failure).toList());
        body.put("nextCursor", page.next().map(ProvisioningFailuresService::encode).orElse(null));
        Json.send(res, 200, body);
    }

    private void retry(ServerRequest req, ServerResponse res) {
        failures.retry(ResolvedTenant.current(), PageParameters.uuidParameter(req, "failureId"));
        res.status(204).send();
    }

    private static int limit(ServerRequest req) {
        Optional<String> raw = req.query().first("limit").asOptional();
        if (raw.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.get());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below, like an out-of-range value
        }
        throw invalid("limit", "must be an integer between 1 and " + MAX_LIMIT);
    }

    static String encode(long sequence) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + sequence).getBytes(StandardCharsets.UTF_8));
    }

    static long decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(CURSOR_PREFIX) && SEQUENCE.matcher(text.substring(CURSOR_PREFIX.length())).matches()) {
                return Long.parseLong(text.substring(CURSOR_PREFIX.length()));
            }
        } catch (IllegalArgumentException e) {
            // not base64: answered below
        }
        throw invalid("cursor", "is not a cursor this API issued");
    }

    private static ProblemException invalid(String field, String reason) {
        return new ProblemException(Problem.of(ProblemType.MALFORMED_REQUEST, "'" + field + "' " + reason + ".")
                .with("field", field));
    }

    static Map<String, Object> failure(ParkedRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", record.id().toString());
        json.put("appId", record.appId().toString());
        json.put("subject", Map.of("type", record.subjectKind(), "id", record.subjectId().toString()));
        json.put("cause", record.cause());
        json.put("attempts", record.attempts());
        json.put("lastError", record.lastError().orElse(null));
        json.put("parkedAt", record.parkedAt().toString());
        json.put("createdAt", record.createdAt().toString());
        return json;
    }
}
