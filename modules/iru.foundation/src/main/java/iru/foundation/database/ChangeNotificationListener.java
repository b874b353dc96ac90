package iru.foundation.database;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.logging.StructuredLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A background worker that LISTENs on one PostgreSQL channel over its own connection and hands each payload to a
 * callback. While disconnected it cannot know what it missed, so on every (re)connect it calls `onResync` first.
 * A lost connection or a failing callback is reported with its stack, and the listener reconnects (with backoff)
 * rather than dying: a dead listener would leave caches stale without anyone noticing.
 */
public final class ChangeNotificationListener implements AutoCloseable {
    private static final StructuredLog LOG = StructuredLog.of(ChangeNotificationListener.class);
    private static final int POLL_MILLIS = 500;

    private final String jdbcUrl;
    private final DatabaseLogin login;
    private final DatabaseCredentials credentials;
    private final String channel;
    private final Consumer<String> onNotification;
    private final Runnable onResync;
    private final ErrorReporter errors;
    private final Thread thread;
    private volatile boolean running = true;

    public ChangeNotificationListener(String jdbcUrl, DatabaseLogin login, DatabaseCredentials credentials, String channel,
            Consumer<String> onNotification, Runnable onResync, ErrorReporter errors) {
        if (!channel.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("unsafe channel name " + channel);
        }
        this.jdbcUrl = jdbcUrl;
        this.login = login;
        this.credentials = credentials;
        this.channel = channel;
        this.onNotification = onNotification;
        this.onResync = onResync;
        this.errors = errors;
        this.thread = Thread.ofPlatform().name("listen-" + channel).daemon().unstarted(this::run);
    }

    public ChangeNotificationListener start() {
        thread.start();
        return this;
    }

    private void run() {
        long backoffMillis = 250;
        while (running) {
            try (Connection connection = login.connect(jdbcUrl, credentials)) {
                try (Statement s = connection.createStatement()) {
                    s.execute("listen " + channel);
                }
                onResync.run();
                backoffMillis = 250;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            onNotification.accept(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    String correlationId = UUID.randomUUID().toString();
                    LOG.warn("listen.failed", Map.of("channel", channel, "correlation_id", correlationId,
                            "retry_ms", backoffMillis));
                    errors.capture(e, correlationId);
                    sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 10_000);
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(POLL_MILLIS * 4L);
    }

    @Override
    public String toString() {
        return "listener(" + channel + ")";
    }
}
