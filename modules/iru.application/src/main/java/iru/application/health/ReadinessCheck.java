package iru.application.health;

import iru.foundation.database.DatabasePing;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.telemetry.Telemetry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Use case: is every database this process depends on answering right now? A failure is reported with its cause
 * once when it starts, not on every probe: the orchestrator probes every few seconds, and one outage should be one
 * report. Later probes of the same outage (the same databases down, whatever the reason looks like by then) answer
 * with the same correlation id.
 */
public final class ReadinessCheck {
    private final RegionalDatabases databases;
    private final Telemetry telemetry;
    private final ErrorReporter errors;
    private final AtomicReference<Reported> lastReported = new AtomicReference<>(Reported.NOTHING);

    /** The databases last reported down, and under which correlation id. */
    private record Reported(Set<String> down, String correlationId) {
        static final Reported NOTHING = new Reported(Set.of(), "");
    }

    public ReadinessCheck(RegionalDatabases databases, Telemetry telemetry, ErrorReporter errors) {
        this.databases = databases;
        this.telemetry = telemetry;
        this.errors = errors;
    }

    public ReadinessReport check() {
        return telemetry.inUseCase("CheckReadiness", () -> {
            Map<String, DatabasePing> pings = databases.ping();
            ReadinessReport report = new ReadinessReport(pings, Optional.empty());
            Map<String, String> failures = report.failures();
            if (failures.isEmpty()) {
                lastReported.set(Reported.NOTHING);
                return report;
            }
            Reported previous = lastReported.get();
            if (previous.down().equals(failures.keySet())) {
                return new ReadinessReport(pings, Optional.of(previous.correlationId()));
            }
            String correlationId = UUID.randomUUID().toString();
            lastReported.set(new Reported(Set.copyOf(failures.keySet()), correlationId));
            failures.forEach((name, category) -> errors.capture(
                    new DatabaseNotReadyException(name, category, pings.get(name).cause().orElseThrow()),
                    correlationId));
            return new ReadinessReport(pings, Optional.of(correlationId));
        });
    }
}
