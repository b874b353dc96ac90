package iru.foundation.database;

import iru.foundation.config.DatabaseCredentials;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A data source over a {@link DatabaseLogin}: every connection it opens logs in afresh. */
final class LoginDataSource implements DataSource {
    private final DatabaseLogin login;
    private final String jdbcUrl;
    private final DatabaseCredentials credentials;
    private final Properties extra;
    private volatile int loginTimeoutSeconds;

    LoginDataSource(DatabaseLogin login, String jdbcUrl, DatabaseCredentials credentials, Properties extra) {
        this.login = login;
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
        this.extra = (Properties) extra.clone();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties properties = (Properties) extra.clone();
        if (loginTimeoutSeconds > 0) {
            properties.setProperty("loginTimeout", String.valueOf(loginTimeoutSeconds));
        }
        return login.connect(jdbcUrl, credentials, properties);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the login decides the credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // driver logging goes through java.util.logging
    }

    /** Kept per data source (the driver's `loginTimeout`), never the JVM-wide DriverManager setting. */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
