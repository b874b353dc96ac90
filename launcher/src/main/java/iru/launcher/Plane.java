package iru.launcher;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.DatabaseSettings;

/** Which runtime this process is: the customer-facing tenant API or the privileged control plane. */
public enum Plane {
    tenant(8080),
    control(8081);

    private final int defaultPort;

    Plane(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The database role this plane connects as: each plane holds only the grants its own work needs. */
    public DatabaseCredentials databaseRole(DatabaseSettings settings) {
        return this == control ? settings.controlRuntime() : settings.tenantRuntime();
    }
}
