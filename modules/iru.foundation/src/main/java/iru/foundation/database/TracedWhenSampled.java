package iru.foundation.database;

import io.opentelemetry.api.trace.Span;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A pool whose connections carry OpenTelemetry's JDBC instrumentation (a client span per statement) only when the
 * work that asks for one is part of a recorded trace. An unrecorded request would build, sanitize and drop a span
 * per statement for nothing: measured at about a seventh of the tenant plane's CPU on a read by id. A recorded trace
 * still shows every statement under its use case, since the decision is the trace's and is taken per transaction.
 */
final class TracedWhenSampled implements DataSource {
    private final DataSource plain;
    private final DataSource traced;

    TracedWhenSampled(DataSource plain, DataSource traced) {
        this.plain = plain;
        this.traced = traced;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return Span.current().getSpanContext().isSampled() ? traced.getConnection() : plain.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return Span.current().getSpanContext().isSampled() ? traced.getConnection(username, password)
                : plain.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return plain.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        plain.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        plain.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return plain.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return plain.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return plain.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return plain.isWrapperFor(type);
    }
}
