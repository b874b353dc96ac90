package iru.foundation.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * One SELECT with its arguments and how to read its result. A read that is nothing more than this can run for a
 * tenant in one round trip ({@link TenantRegionRouter#singleStatementRead}); inside a transaction that also does
 * other work it runs on that transaction's connection ({@link #run}).
 *
 * The text is refused unless it is a single SELECT: the router sends it behind the tenant's settings in one message,
 * and a second statement smuggled after it would run outside the transaction the router guarantees.
 */
public record SingleSelect<T>(String sql, List<?> args, ResultReader<T> reader) {
    public SingleSelect {
        if (sql == null || !sql.strip().toLowerCase(Locale.ROOT).startsWith("select ") || sql.indexOf(';') >= 0) {
            throw new IllegalArgumentException("not a single SELECT: " + sql);
        }
        args = List.copyOf(args);
        if (reader == null) {
            throw new IllegalArgumentException("reader is required");
        }
    }

    /** Reads the whole result of the SELECT (every row, or only the first). */
    @FunctionalInterface
    public interface ResultReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs the SELECT on a connection inside a transaction the router opened. */
    public T run(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, 1);
            try (ResultSet rs = statement.executeQuery()) {
                return reader.read(rs);
            }
        }
    }

    /** Binds the arguments from parameter `first` on. */
    void bind(PreparedStatement statement, int first) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            statement.setObject(first + i, args.get(i));
        }
    }
}
