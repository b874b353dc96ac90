package iru.domain.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small JDBC conversions shared by the repositories. */
public final class Sql {
    /** The smallest uuid in PostgreSQL's order (it compares uuids as unsigned bytes): the start of every listing. */
    public static final UUID FIRST_UUID = new UUID(0, 0);

    private Sql() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.from(instant);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    public static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    /**
     * Makes the rest of this transaction plan every statement for the values it is given. A prefix search uses its
     * index only when the planner sees the prefix; after five executions of a statement on one connection PostgreSQL
     * may settle on a generic plan that, not knowing the prefix, walks the tenant's whole primary key instead.
     */
    public static void planForValues(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("set local plan_cache_mode = force_custom_plan");
        }
    }

    /** A `uuid[]` parameter, for `column = any (?)`: one statement for a set of ids. */
    public static java.sql.Array uuids(Connection c, java.util.Collection<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }

    /** Reads one row into a value. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs a query with positional arguments and reads every row. */
    public static <T> List<T> list(Connection c, String sql, List<?> args, RowReader<T> reader) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, args);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            return rows;
        }
    }

    /** Runs an insert, update or delete with positional arguments (SQL NULL allowed); returns the rows it touched. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, java.util.Arrays.asList(args));
            return s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, List<?> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            s.setObject(i + 1, args.get(i));
        }
    }

    public static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    public static boolean isForeignKeyViolation(SQLException e) {
        return "23503".equals(e.getSQLState());
    }
}
