package iru.foundation.migration;

import iru.foundation.database.DatabaseName;
import java.util.List;

/**
 * The migrations embedded in this artifact and the history recorded in a database disagree: an applied migration was
 * changed (checksum), is missing, or has not been applied yet. A hard failure: the process must not run on it.
 */
public final class MigrationDriftException extends RuntimeException {
    public MigrationDriftException(DatabaseName database, List<String> problems) {
        super("migrations of the " + database + " do not match this build:\n  - " + String.join("\n  - ", problems));
    }
}
