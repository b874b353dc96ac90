package iru.application.health;

import java.util.Map;

/** Whether each database answered a ping, by name (`directory`, `us`, `eu`). */
public record ReadinessReport(Map<String, Boolean> databases) {
    public ReadinessReport {
        databases = Map.copyOf(databases);
    }

    public boolean ready() {
        return !databases.isEmpty() && databases.values().stream().allMatch(Boolean::booleanValue);
    }
}
