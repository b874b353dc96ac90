package iru.foundation.database;

import iru.foundation.config.Region;
import iru.foundation.logging.LogContext;
import iru.foundation.logging.StructuredLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.JDBCException;

/**
 * The only way to run SQL against tenant data. Every transaction goes to the pool of the tenant's region and sets
 * the tenant for row-level security before the work sees the connection. A region that is missing or not served
 * here is refused before any connection is taken: there is no fallback region.
 */
public final class TenantRegionRouter {
    private static final StructuredLog LOG = StructuredLog.of(TenantRegionRouter.class);

    private static final String BOTH_SETTINGS =
            "select set_config('iru.tenant_id', ?, true), set_config('iru.actor', ?, true)";
    private static final String TENANT_SETTING = "select set_config('iru.tenant_id', ?, true)";

    private final RegionalDatabases databases;

    public TenantRegionRouter(RegionalDatabases databases) {
        this.databases = databases;
    }

    /** Runs `work` in one transaction on `region`'s database with `tenantId` set for row-level security. */
    public <T> T inTransaction(Region region, UUID tenantId, TransactionWork<T> work) {
        return onTenantsDatabase(region, tenantId, dataSource -> run(dataSource, tenantId, work));
    }

    /**
     * Runs one SELECT for `tenantId` on `region`'s database in a single round trip: the tenant's settings and the
     * SELECT go to the server as one statement pair before one Sync, on a connection in autocommit mode, and
     * PostgreSQL runs everything before a Sync in one implicit transaction. The settings are transaction-local, so
     * row-level security sees them in the SELECT and they are gone when the Sync commits; no BEGIN or COMMIT of our
     * own is sent. Two round trips fewer than {@link #inTransaction} for the hottest reads (a user by id). Only for a
     * read that is one statement; everything else takes {@link #inTransaction}.
     */
    public <T> T singleStatementRead(Region region, UUID tenantId, SingleSelect<T> select) {
        return onTenantsDatabase(region, tenantId, dataSource -> readOnce(dataSource, tenantId, select));
    }

    /** `work` on the pool of the tenant's region, with the tenant and region in every log line it writes. */
    private <T> T onTenantsDatabase(Region region, UUID tenantId, Function<DataSource, T> work) {
        if (tenantId == null) {
            throw new IllegalArgumentException("tenantId is required; use inRegionTransaction for tenant-less work");
        }
        DataSource dataSource = resolve(region);
        return ScopedValue.where(LogContext.TENANT_ID, tenantId.toString())
                .where(LogContext.REGION, region.code())
                .call(() -> work.apply(dataSource));
    }

    /**
     * Runs `work` on `region`'s database with no tenant set: row-level security then shows no tenant rows. For
     * region-wide facts (the region identity, reference data) only.
     */
    public <T> T inRegionTransaction(Region region, TransactionWork<T> work) {
        DataSource dataSource = resolve(region);
        return ScopedValue.where(LogContext.REGION, region.code()).call(() -> run(dataSource, null, work));
    }

    /** Runs `work` on the global directory, which holds routing facts only. */
    public <T> T inDirectoryTransaction(TransactionWork<T> work) {
        return run(databases.directory(), null, work);
    }

    private DataSource resolve(Region region) {
        if (region == null) {
            throw new RegionUnresolvableException("no region given");
        }
        return databases.region(region).orElseThrow(() -> new RegionNotServedException(region));
    }

    public boolean serves(Region region) {
        return region != null && databases.region(region).isPresent();
    }

    /**
     * Refuses any regional database that records a different region than the one it is configured for (cross-wired
     * URLs), or that has not been migrated and so records none.
     */
    public void verifyRegionIdentities() {
        for (Region region : databases.servedRegions()) {
            DatabaseName name = databases.regionName(region);
            String recorded;
            try {
                recorded = inRegionTransaction(region, RegionIdentity::recorded);
            } catch (DataAccessException e) {
                throw new DatabaseUnavailableException(name, "it records no region; run `iru migrate` first", e);
            }
            if (recorded == null) {
                throw new DatabaseUnavailableException(name, "it records no region; run `iru migrate` first", null);
            }
            if (!recorded.equals(region.code())) {
                throw new RegionMismatchException(name, region, recorded);
            }
        }
    }

    private static <T> T run(DataSource dataSource, UUID tenantId, TransactionWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                setLocals(connection, tenantId, AuditActor.CURRENT.isBound() ? AuditActor.CURRENT.get() : null);
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                restoreAutoCommit(connection);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        } catch (JDBCException e) {
            // Hibernate's own type around the driver's exception (a connection the server ended mid-session arrives
            // as a GenericJDBCException): the same failure as plain JDBC work's, so callers judge it the same way.
            DataAccessException failure = new DataAccessException(e.getSQLException());
            failure.addSuppressed(e);
            throw failure;
        }
    }

    private static <T> T readOnce(DataSource dataSource, UUID tenantId, SingleSelect<T> select) {
        String actor = AuditActor.CURRENT.isBound() ? AuditActor.CURRENT.get() : null;
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                // Not one implicit transaction then: the driver would open one with BEGIN and leave it to us.
                throw new IllegalStateException("the pool lent a connection outside autocommit mode");
            }
            String settings = actor != null ? BOTH_SETTINGS : TENANT_SETTING;
            try (PreparedStatement statement = connection.prepareStatement(settings + "; " + select.sql())) {
                statement.setString(1, tenantId.toString());
                if (actor != null) {
                    statement.setString(2, actor);
                }
                select.bind(statement, actor != null ? 3 : 2);
                statement.execute();
                if (!statement.getMoreResults()) {
                    throw new IllegalStateException("the SELECT returned no result set");
                }
                try (ResultSet rs = statement.getResultSet()) {
                    return select.reader().read(rs);
                }
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * Sets the tenant and the audit actor for this transaction only, both in one statement: one round trip instead
     * of one per setting, on every transaction of every request.
     */
    private static void setLocals(Connection connection, UUID tenantId, String actor) throws SQLException {
        String sql = tenantId != null && actor != null ? BOTH_SETTINGS
                : tenantId != null ? TENANT_SETTING
                : actor != null ? "select set_config('iru.actor', ?, true)"
                : null;
        if (sql == null) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            if (tenantId != null) {
                statement.setString(index++, tenantId.toString());
            }
            if (actor != null) {
                statement.setString(index, actor);
            }
            statement.execute();
        }
    }

    /**
     * Hands the connection back as the pool lent it. A connection the failure broke cannot be reset; the pool
     * evicts it, and the failure that broke it is the one to report, so this one is only logged (it may also follow
     * a successful transaction, and then it is the only trace that a connection went bad).
     */
    private static void restoreAutoCommit(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException brokenConnection) {
            LOG.warn("db.connection-reset-failed", Map.of("sql_state", String.valueOf(brokenConnection.getSQLState()),
                    "error", String.valueOf(brokenConnection.getMessage())));
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    /** The one-row table in which a regional database records the region it belongs to. */
    static final class RegionIdentity {
        private RegionIdentity() {
        }

        static String recorded(Connection connection) throws SQLException {
            try (PreparedStatement s = connection.prepareStatement("select region from region_identity");
                 ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
