package iru.application.health;

import iru.foundation.database.RegionalDatabases;
import iru.foundation.telemetry.Telemetry;

/** Use case: is every database this process depends on answering right now? */
public final class ReadinessCheck {
    private final RegionalDatabases databases;
    private final Telemetry telemetry;

    public ReadinessCheck(RegionalDatabases databases, Telemetry telemetry) {
        this.databases = databases;
        this.telemetry = telemetry;
    }

    public ReadinessReport check() {
        return telemetry.inUseCase("CheckReadiness", () -> new ReadinessReport(databases.ping()));
    }
}
