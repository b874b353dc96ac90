package iru.application.health;

/** What the error reporter receives when a database fails its readiness ping; the ping's failure is the cause. */
public final class DatabaseNotReadyException extends RuntimeException {
    public DatabaseNotReadyException(String database, String category, Throwable cause) {
        super("database " + database + " is not ready: " + category, cause);
    }
}
