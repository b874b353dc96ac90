package iru.foundation.migration;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.DatabaseSettings;
import iru.foundation.database.DatabaseLogin;
import iru.foundation.database.DatabaseLogins;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What a fresh developer machine lacks and production provisions by other means: the databases themselves and the
 * planes' runtime login roles. Run by `iru migrate --create-databases` / `--create-runtime-roles`, never by the planes.
 */
public final class DevBootstrap {
    private static final Pattern SAFE_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DatabaseSettings settings;
    private final DatabaseLogin login;
    private final Consumer<String> progress;

    public DevBootstrap(DatabaseSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.login = DatabaseLogins.forSettings(settings);
        this.progress = progress;
    }

    /** Creates each configured database that does not exist yet, connecting to the server's `postgres` database. */
    public void createMissingDatabases(Iterable<MigrationTarget> targets) {
        for (MigrationTarget target : targets) {
            String url = target.jdbcUrl();
            String database = databaseOf(url);
            String maintenanceUrl = url.replaceFirst("/" + Pattern.quote(database) + "(\\?|$)", "/postgres$1");
            try (Connection c = connect(maintenanceUrl, settings.owner())) {
                if (exists(c, database)) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute("create database " + identifier(database));
                }
                progress.accept(target.name() + ": created");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created concurrently by someone else: fine
                    throw new IllegalStateException("cannot create the " + target.name() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Creates each plane's runtime role if missing: a login that owns nothing, is not superuser, cannot create
     * databases or roles, and cannot bypass row-level security. Grants are made by the migrations themselves, which
     * also take TEMPORARY and CREATE away from both.
     */
    public void createRuntimeRoles(MigrationTarget anyTarget) {
        for (DatabaseCredentials runtime : settings.runtimeRoles()) {
            createRuntimeRole(anyTarget, runtime);
        }
    }

    private void createRuntimeRole(MigrationTarget anyTarget, DatabaseCredentials runtime) {
        String role = identifier(runtime.user());
        try (Connection c = connect(anyTarget.jdbcUrl(), settings.owner())) {
            try (PreparedStatement check = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
                check.setString(1, runtime.user());
                try (ResultSet rs = check.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create role " + role + " login nosuperuser nocreatedb nocreaterole noinherit nobypassrls"
                        + " password '" + runtime.password().replace("'", "''") + "'");
            }
            progress.accept("runtime role " + runtime.user() + ": created (login, no superuser, no bypassrls)");
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) { // duplicate_object: created concurrently
                throw new IllegalStateException("cannot create runtime role " + runtime.user() + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    static String databaseOf(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://[^/]*/", "");
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    private static String identifier(String name) {
        if (!SAFE_IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("refusing unusual identifier '" + name + "': use [a-z_][a-z0-9_]*");
        }
        return name;
    }

    private Connection connect(String url, DatabaseCredentials credentials) throws SQLException {
        return login.connect(url, credentials);
    }
}
