package iru.application.health;

import iru.foundation.database.DatabasePing;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How each database answered a ping, by name (`directory`, `us`, `eu`). When one failed, the failure was reported
 * under `correlationId`, so the public answer can stay terse and an operator can still find the cause.
 */
public record ReadinessReport(Map<String, DatabasePing> pings, Optional<String> correlationId) {
    public ReadinessReport {
        pings = Map.copyOf(pings);
    }

    public boolean ready() {
        return !pings.isEmpty() && pings.values().stream().allMatch(DatabasePing::ok);
    }

    /** Whether each database answered, by name. */
    public Map<String, Boolean> databases() {
        Map<String, Boolean> answered = new LinkedHashMap<>();
        pings.forEach((name, ping) -> answered.put(name, ping.ok()));
        return answered;
    }

    /** The reason category of each database that did not answer, by name; safe to show (no hosts, no server text). */
    public Map<String, String> failures() {
        Map<String, String> failures = new LinkedHashMap<>();
        pings.forEach((name, ping) -> {
            if (!ping.ok()) {
                failures.put(name, ping.outcome().category());
            }
        });
        return failures;
    }
}
