package iru.interfaces.tenant;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.event.SecurityEvents;
import iru.domain.event.SecurityEvent;
import iru.domain.event.SecurityEventLog;
import iru.interfaces.http.Json;
import iru.interfaces.http.Lists;
import iru.interfaces.http.PageParameters;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** `/t/{tenant}/v1/events`: the tenant's security event log, oldest first, with cursor paging and filters. */
public final class SecurityEventsService implements HttpService {
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    private final SecurityEvents events;

    public SecurityEventsService(SecurityEvents events) {
        this.events = events;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{tenant}/v1/events", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        PageParameters page = PageParameters.from(req, 50, 200);
        Optional<String> kind = UsersService.query(req, "kind");
        if (kind.isPresent() && !KIND.matcher(kind.get()).matches()) {
            throw invalid("kind", "must be an event kind such as api-key.issued");
        }
        Optional<String> subject = UsersService.query(req, "subject");
        if (subject.isPresent() && (subject.get().length() > 200 || subject.get().chars().anyMatch(ch -> ch < 0x20))) {
            throw invalid("subject", "must be at most 200 printable characters");
        }
        Optional<Instant> since = UsersService.query(req, "since").map(SecurityEventsService::instant);
        var filter = new SecurityEventLog.Filter(kind, subject, since);
        Json.send(res, 200, Lists.page(events.list(ResolvedTenant.current(), filter, page.after(), page.limit()),
                SecurityEventsService::event));
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid("since", "must be an RFC 3339 instant such as 2026-11-26T08:00:00Z");
        }
    }

    private static ProblemException invalid(String field, String reason) {
        return new ProblemException(Problem.of(ProblemType.MALFORMED_REQUEST, "'" + field + "' " + reason + ".")
                .with("field", field));
    }

    static Map<String, Object> event(SecurityEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", event.id().toString());
        json.put("occurredAt", event.occurredAt().toString());
        json.put("kind", event.kind());
        json.put("actor", event.actor());
        json.put("subject", event.subject().orElse(null));
        json.put("detail", event.detail());
        return json;
    }
}
