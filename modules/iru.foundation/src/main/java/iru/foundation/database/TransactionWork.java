package iru.foundation.database;

import java.sql.Connection;
import java.sql.SQLException;

/** Work that runs inside one routed transaction. It must not commit, roll back or keep the connection. */
@FunctionalInterface
public interface TransactionWork<T> {
    T run(Connection connection) throws SQLException;
}
