package iru.launcher;

import iru.foundation.config.InvalidConfigurationException;
import iru.foundation.database.DatabaseUnavailableException;
import iru.foundation.database.RegionMismatchException;
import iru.foundation.migration.MigrationDriftException;
import iru.foundation.secrets.SecretUnavailableException;

/** One clear line for an operator when a command cannot do its job; stack traces only for the unexpected. */
final class StartupFailure {
    private StartupFailure() {
    }

    static String describe(Throwable failure) {
        return switch (failure) {
            case InvalidConfigurationException e -> "invalid configuration: " + e.getMessage();
            case DatabaseUnavailableException e -> e.getMessage();
            case RegionMismatchException e -> e.getMessage();
            case MigrationDriftException e -> e.getMessage();
            case SecretUnavailableException e -> e.getMessage();
            default -> failure.getClass().getSimpleName() + ": " + failure.getMessage();
        };
    }
}
