package iru.foundation.database;

import iru.foundation.config.DatabaseCredentials;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * How a process logs in to PostgreSQL: with the configured password (local development), or with a short-lived
 * RDS IAM authentication token generated for every new connection (AWS: no standing database password).
 */
public interface DatabaseLogin {

    /** The password to present for a new connection as `credentials.user()` to the database at `jdbcUrl`. */
    String passwordFor(String jdbcUrl, DatabaseCredentials credentials);

    /** A new, unpooled connection. */
    default Connection connect(String jdbcUrl, DatabaseCredentials credentials, Properties extra) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(extra);
        properties.setProperty("user", credentials.user());
        properties.setProperty("password", passwordFor(jdbcUrl, credentials));
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    default Connection connect(String jdbcUrl, DatabaseCredentials credentials) throws SQLException {
        return connect(jdbcUrl, credentials, new Properties());
    }

    /** A data source that logs in afresh for every connection it opens (for pools and one-shot tools). */
    default DataSource dataSource(String jdbcUrl, DatabaseCredentials credentials, Properties extra) {
        return new LoginDataSource(this, jdbcUrl, credentials, extra);
    }

    /** The configured password (dev); never sent anywhere but to PostgreSQL. */
    static DatabaseLogin password() {
        return (jdbcUrl, credentials) -> credentials.password();
    }
}
