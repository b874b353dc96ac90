package iru.foundation.database;

import java.sql.SQLException;

/** A statement failed inside a routed transaction; the transaction was rolled back. */
public final class DataAccessException extends RuntimeException {
    private final String sqlState;

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
        this.sqlState = cause.getSQLState() == null ? "" : cause.getSQLState();
    }

    /** PostgreSQL's SQLSTATE, e.g. 23505 for a unique violation; lets callers map known conflicts to typed errors. */
    public String sqlState() {
        return sqlState;
    }

    /** The database could not be reached or dropped the connection: nothing ran, a retry may succeed. */
    public boolean isConnectionFailure() {
        // 08: connection exceptions; 57P01..57P03: the server shut the session down or cannot take connections now.
        return sqlState.startsWith("08") || sqlState.startsWith("57P")
                || getCause() instanceof java.sql.SQLTransientConnectionException;
    }
}
