package iru.foundation.database;

import iru.foundation.config.Region;

/** A database records a different region than the one it was configured for: cross-wired URLs, a residency breach. */
public final class RegionMismatchException extends RuntimeException {
    public RegionMismatchException(DatabaseName database, Region configured, String recorded) {
        super("the " + database + " is configured for region " + configured.code()
                + " but records that it belongs to region " + recorded + "; refusing to use it");
    }
}
