package iru.foundation.database;

/** A database could not be reached or used at startup; the process must not serve requests. */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(DatabaseName database, String reason, Throwable cause) {
        super("cannot use the " + database + ": " + reason, cause);
    }
}
