package iru.foundation.database;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.logging.StructuredLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A background worker that LISTENs on one PostgreSQL channel over its own connection and hands each payload to a
 * callback. While disconnected it cannot know what it missed, so on every (re)connect it calls `onResync` first.
 * (Not when it finds the connection lost: the caches it guards would then send every request to a database that may
 * be down, where they could have answered.) A lost connection or a failing callback is reported with its stack, and
 * the listener reconnects (with backoff) rather than dying: a dead listener would leave caches stale without anyone
 * noticing. A connection whose network went silent (no FIN, no RST: the socket alone would wait for hours) is found
 * by a periodic round trip, see {@link Liveness}.
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
    private final Liveness liveness;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * How a silently dead connection is noticed: every `probeInterval` the listener repeats its LISTEN (a no-op for
     * PostgreSQL, but a round trip), and every read, the connection's handshake included, gives up after `timeout`.
     * A notification lost with such a connection is thus followed by a reconnect and `onResync` within
     * {@link #bound()} plus the first retry's backoff (250 ms), if the database can be reached again.
     */
    public record Liveness(Duration probeInterval, Duration timeout) {
        /** A revoked credential outlives its lost notice by ~10 s at most; one round trip per 5 s costs nothing. */
        public static final Liveness DEFAULTS = new Liveness(Duration.ofSeconds(5), Duration.ofSeconds(5));

        public Liveness {
            if (probeInterval.isNegative() || probeInterval.isZero()) {
                throw new IllegalArgumentException("probeInterval must be positive");
            }
            if (timeout.toSeconds() < 1 || timeout.toMillisPart() != 0) {
                throw new IllegalArgumentException("timeout must be whole seconds (the driver's unit), at least 1");
            }
        }

        /** The longest a dead connection goes unnoticed: a probe's wait plus its timeout. */
        public Duration bound() {
            return probeInterval.plus(timeout);
        }
    }

    public ChangeNotificationListener(String jdbcUrl, DatabaseLogin login, DatabaseCredentials credentials, String channel,
            Consumer<String> onNotification, Runnable onResync, ErrorReporter errors) {
        this(jdbcUrl, login, credentials, channel, onNotification, onResync, errors, Liveness.DEFAULTS);
    }

    public ChangeNotificationListener(String jdbcUrl, DatabaseLogin login, DatabaseCredentials credentials, String channel,
            Consumer<String> onNotification, Runnable onResync, ErrorReporter errors, Liveness liveness) {
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
        this.liveness = liveness;
        this.thread = Thread.ofPlatform().name("listen-" + channel).daemon().unstarted(this::run);
    }

    public ChangeNotificationListener start() {
        thread.start();
        return this;
    }

    private void run() {
        long backoffMillis = 250;
        while (running) {
            try (Connection connection = login.connect(jdbcUrl, credentials, timeouts())) {
                listen(connection);
                onResync.run();
                backoffMillis = 250;
                PGConnection pg = connection.unwrap(PGConnection.class);
                long nextProbe = System.nanoTime() + liveness.probeInterval().toNanos();
                while (running) {
                    long untilProbe = (nextProbe - System.nanoTime()) / 1_000_000;
                    PGNotification[] notifications = pg.getNotifications(Math.clamp(untilProbe, 1, POLL_MILLIS));
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            onNotification.accept(notification.getParameter());
                        }
                    }
                    if (System.nanoTime() - nextProbe >= 0) {
                        listen(connection); // throws within the timeout when the network went silent
                        nextProbe = System.nanoTime() + liveness.probeInterval().toNanos();
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

    private void listen(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("listen " + channel);
        }
    }

    /** The driver's own timeouts (seconds): connecting, and every read that is not a notification poll. */
    private Properties timeouts() {
        Properties properties = new Properties();
        String seconds = Long.toString(liveness.timeout().toSeconds());
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        return properties;
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
