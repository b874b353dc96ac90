package iru.foundation.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import com.zaxxer.hikari.pool.HikariPool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry;
import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.DatabaseSettings;
import iru.foundation.config.Region;
import iru.foundation.workers.AtOnce;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * One bounded pool for the directory and one per served region. Each pool opens a connection while it is built, so
 * an unreachable database stops startup within the connect timeout instead of failing the first request.
 */
public final class RegionalDatabases implements AutoCloseable {
    /** How long a readiness ping may take before its database counts as down. */
    public static final Duration PING_TIMEOUT = Duration.ofSeconds(1);

    private final DataSource directory;
    private final Map<Region, DataSource> regions;
    private final Map<Region, DatabaseName> regionNames;
    private final List<HikariDataSource> pools;

    private RegionalDatabases(DataSource directory, Map<Region, DataSource> regions,
            Map<Region, DatabaseName> regionNames, List<HikariDataSource> pools) {
        this.directory = directory;
        this.regions = regions;
        this.regionNames = regionNames;
        this.pools = pools;
    }

    /** Opens and pings every pool as `credentials`; closes what it opened if any database is unreachable. */
    public static RegionalDatabases open(DatabaseSettings settings, Set<Region> served, DatabaseCredentials credentials,
            OpenTelemetry openTelemetry) {
        return open(settings, served, credentials, openTelemetry, "", settings.poolMax(), Optional.empty());
    }

    /** As {@link #open(DatabaseSettings, Set, DatabaseCredentials, OpenTelemetry)}, each pool measured in `meters`. */
    public static RegionalDatabases open(DatabaseSettings settings, Set<Region> served, DatabaseCredentials credentials,
            OpenTelemetry openTelemetry, MeterRegistry meters) {
        return open(settings, served, credentials, openTelemetry, "", settings.poolMax(), Optional.of(meters));
    }

    /**
     * Pools of their own for one kind of background work (`purpose`, e.g. `workers`), at most `poolMax` connections
     * each: whatever that work waits on, it can only exhaust these, never the pools that serve requests.
     */
    public static RegionalDatabases open(DatabaseSettings settings, Set<Region> served, DatabaseCredentials credentials,
            OpenTelemetry openTelemetry, String purpose, int poolMax) {
        return open(settings, served, credentials, openTelemetry, purpose, poolMax, Optional.empty());
    }

    /** As {@link #open(DatabaseSettings, Set, DatabaseCredentials, OpenTelemetry)}, logging in through `login`. */
    public static RegionalDatabases open(DatabaseSettings settings, Set<Region> served, DatabaseCredentials credentials,
            OpenTelemetry openTelemetry, DatabaseLogin login) {
        return open(settings, served, credentials, openTelemetry, "", settings.poolMax(), Optional.empty(), login);
    }

    /**
     * With `meters`, each pool reports HikariCP's pool metrics there (`hikaricp_connections_active`, `_idle`,
     * `_pending`, `_acquire_seconds`, …), tagged with its pool name (`iru-directory`, `iru-eu`, `iru-workers-eu`).
     */
    public static RegionalDatabases open(DatabaseSettings settings, Set<Region> served, DatabaseCredentials credentials,
            OpenTelemetry openTelemetry, String purpose, int poolMax, Optional<MeterRegistry> meters) {
        return open(settings, served, credentials, openTelemetry, purpose, poolMax, meters,
                DatabaseLogins.forSettings(settings));
    }

    private static RegionalDatabases open(DatabaseSettings settings, Set<Region> served,
            DatabaseCredentials credentials, OpenTelemetry openTelemetry, String purpose, int poolMax,
            Optional<MeterRegistry> meters, DatabaseLogin login) {
        Optional<MetricsTrackerFactory> tracking = meters.map(MicrometerMetricsTrackerFactory::new);
        String prefix = purpose.isEmpty() ? "" : purpose + "-";
        JdbcTelemetry jdbcTelemetry = JdbcTelemetry.create(openTelemetry);
        DatabaseName directoryName = DatabaseName.directory(settings.directoryUrl());
        Map<Region, DatabaseName> names = new EnumMap<>(Region.class);
        served.forEach(region -> names.put(region, DatabaseName.region(region, settings.regionUrl(region))));
        // Each pool waits for its first connection while it is built: the pools are built at once, and the first
        // failure in the order directory, then regions, is the one reported.
        List<Callable<HikariDataSource>> building = new ArrayList<>();
        building.add(() -> pool(prefix + "directory", settings.directoryUrl(), directoryName, settings, login,
                credentials, poolMax, tracking));
        names.forEach((region, name) -> building.add(() -> pool(prefix + region.code(), settings.regionUrl(region),
                name, settings, login, credentials, poolMax, tracking)));
        List<HikariDataSource> pools = AtOnce.all(building, HikariDataSource::close);
        Map<Region, DataSource> regions = new EnumMap<>(Region.class);
        int next = 1;
        for (Region region : names.keySet()) {
            HikariDataSource pool = pools.get(next++);
            regions.put(region, new TracedWhenSampled(pool, jdbcTelemetry.wrap(pool)));
        }
        return new RegionalDatabases(new TracedWhenSampled(pools.get(0), jdbcTelemetry.wrap(pools.get(0))), regions,
                names, pools);
    }

    private static HikariDataSource pool(String poolName, String url, DatabaseName name, DatabaseSettings settings,
            DatabaseLogin login, DatabaseCredentials credentials, int poolMax,
            Optional<MetricsTrackerFactory> tracking) {
        Properties driver = new Properties();
        String timeoutSeconds = String.valueOf(Math.max(1, settings.connectTimeout().toSeconds()));
        driver.setProperty("connectTimeout", timeoutSeconds);
        // A server that accepts the socket but does not answer the login (a postmaster shutting down or starting)
        // must not hold the pool's connection adder longer than a TCP connect may take.
        driver.setProperty("loginTimeout", timeoutSeconds);
        driver.setProperty("ApplicationName", "iru-" + poolName);
        HikariConfig config = new HikariConfig();
        config.setPoolName("iru-" + poolName);
        config.setDataSource(login.dataSource(url, credentials, driver));
        config.setMaximumPoolSize(poolMax);
        config.setMinimumIdle(Math.min(2, poolMax));
        long timeoutMillis = settings.connectTimeout().toMillis();
        config.setConnectionTimeout(Math.max(250, timeoutMillis));
        // A request waits for a connection at most the connection timeout plus one validation of a borrowed idle
        // connection (HikariCP does not count the validation in the timeout; its default is 5 s), so a refusal while
        // the database is down or going down comes within 1.5 times IRU_DB_CONNECT_TIMEOUT_SECONDS.
        config.setValidationTimeout(Math.max(250, timeoutMillis / 2));
        config.setInitializationFailTimeout(timeoutMillis);
        config.setAutoCommit(true);
        // Below the IAM token lifetime with IRU_DB_AUTH=iam (checked by DatabaseSettings), so every live connection
        // was opened with a token that is still valid.
        config.setMaxLifetime(settings.maxLifetime().toMillis());
        tracking.ifPresent(config::setMetricsTrackerFactory);
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DatabaseUnavailableException(name, String.valueOf(cause.getMessage()), e);
        }
    }

    public DataSource directory() {
        return directory;
    }

    /** The pool of a served region; empty when this deployment does not serve it. */
    public Optional<DataSource> region(Region region) {
        return Optional.ofNullable(regions.get(region));
    }

    public DatabaseName regionName(Region region) {
        return regionNames.get(region);
    }

    public Set<Region> servedRegions() {
        return regions.keySet();
    }

    /**
     * Pings every pool at once, each bounded by {@link #PING_TIMEOUT}: a database that does not answer in time counts
     * as down, so the readiness probe answers quickly instead of waiting for the pool's connect timeout. The pings
     * carry the caller's trace context, so their SQL spans join the caller's trace. Each failure keeps its cause.
     */
    public Map<String, DatabasePing> ping() {
        Map<String, DataSource> all = new LinkedHashMap<>();
        all.put("directory", directory);
        regions.forEach((region, ds) -> all.put(region.code(), ds));
        Map<String, DatabasePing> result = new LinkedHashMap<>();
        try (ExecutorService executor = Context.taskWrapping(Executors.newVirtualThreadPerTaskExecutor())) {
            Map<String, Future<DatabasePing>> pings = new LinkedHashMap<>();
            all.forEach((name, ds) -> pings.put(name, executor.submit(() -> ping(ds))));
            long deadline = System.nanoTime() + PING_TIMEOUT.toNanos();
            pings.forEach((name, ping) -> result.put(name, answered(ping, deadline)));
            pings.values().forEach(ping -> ping.cancel(true));
        }
        return result;
    }

    private static DatabasePing answered(Future<DatabasePing> ping, long deadline) {
        try {
            return ping.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return DatabasePing.timedOut(new TimeoutException("no answer within " + PING_TIMEOUT.toMillis() + " ms"));
        } catch (ExecutionException e) {
            return DatabasePing.failed(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DatabasePing.failed(e);
        }
    }

    private static DatabasePing ping(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute("select 1");
            return DatabasePing.answered();
        } catch (SQLException e) {
            return DatabasePing.failed(e);
        }
    }

    @Override
    public void close() {
        pools.forEach(HikariDataSource::close);
    }
}
