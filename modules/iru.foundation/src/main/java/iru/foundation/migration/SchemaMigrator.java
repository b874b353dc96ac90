package iru.foundation.migration;

import iru.foundation.audit.AuditReport;
import iru.foundation.audit.AuditVerifier;
import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.DatabaseSettings;
import iru.foundation.config.Region;
import iru.foundation.database.DatabaseLogin;
import iru.foundation.database.DatabaseLogins;
import iru.foundation.database.DatabaseName;
import iru.foundation.database.DatabaseUnavailableException;
import iru.foundation.database.RegionMismatchException;
import iru.foundation.workers.AtOnce;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Applies the embedded, version-ordered migrations to the directory and every served regional database, and checks
 * at startup that what a database has applied is exactly what this build carries (checksums included).
 */
public final class SchemaMigrator {
    private final DatabaseSettings settings;
    private final Set<Region> served;
    private final Consumer<String> progress;
    private final DatabaseLogin login;

    public SchemaMigrator(DatabaseSettings settings, Set<Region> served, Consumer<String> progress) {
        this.login = DatabaseLogins.forSettings(settings);
        this.settings = settings;
        this.served = Set.copyOf(served);
        this.progress = progress;
    }

    public List<MigrationTarget> targets() {
        return MigrationTarget.all(settings, served);
    }

    /**
     * Migrates every database as the schema owner. An already-applied migration whose file changed stops everything
     * before anything is applied to that database. Regional databases record their region on first migrate, and a
     * database that already records another region is refused.
     */
    public void migrateAll() {
        for (MigrationTarget target : targets()) {
            progress.accept(target.name() + ": checking applied migrations");
            Flyway flyway = flyway(target, settings.owner(), true);
            requireValid(target.name(), flyway.validateWithResult());
            try {
                var result = flyway.migrate();
                progress.accept(target.name() + ": " + result.migrationsExecuted + " migration(s) applied, schema at "
                        + (result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion));
            } catch (FlywayException e) {
                throw new DatabaseUnavailableException(target.name(), "migration failed: " + e.getMessage(), e);
            }
            target.region().ifPresent(region -> {
                recordRegion(target, region);
                requireJournalsInSync(target);
            });
        }
    }

    /**
     * The schema half of `verify-audit`, run after every migrate: a migration that changed a tenant table without its
     * journal (or left a table unisolated) fails here, naming both.
     */
    private void requireJournalsInSync(MigrationTarget target) {
        AuditReport report = new AuditVerifier(ownerDataSource(target), target.name().toString()).verifySchema();
        if (!report.passed()) {
            throw new MigrationDriftException(target.name(),
                    report.findings().stream().map(f -> f.subject() + ": " + f.problem()).toList());
        }
        progress.accept(target.name() + ": " + report.tables() + " tenant table(s) isolated and journaled");
    }

    /** A plain, unpooled data source as the schema owner, for one-shot commands. */
    public DataSource ownerDataSource(MigrationTarget target) {
        return login.dataSource(target.jdbcUrl(), settings.owner(), new Properties());
    }

    /**
     * Startup check for both planes: every migration applied, none changed since it was applied. The databases are
     * validated at once (each validation mostly waits on its own database and Flyway's start), and the first failure
     * in {@link #targets()} order is thrown, so the refusal names the same database as a check one after another.
     */
    public void verifyAllApplied(DatabaseCredentials credentials) {
        List<Callable<DatabaseName>> validations = new ArrayList<>();
        for (MigrationTarget target : targets()) {
            validations.add(() -> {
                requireValid(target.name(), flyway(target, credentials, false).validateWithResult());
                return target.name();
            });
        }
        AtOnce.all(validations, valid -> { });
    }

    private Flyway flyway(MigrationTarget target, DatabaseCredentials credentials, boolean allowPending) {
        var configuration = Flyway.configure()
                .dataSource(login.dataSource(target.jdbcUrl(), credentials, new Properties()))
                .locations(target.location())
                // V1-V3 granted to `appRole`, which V4 replaces by the two plane roles.
                .placeholders(Map.of("appRole", settings.tenantRuntime().user(),
                        "tenantRole", settings.tenantRuntime().user(),
                        "controlRole", settings.controlRuntime().user()))
                .cleanDisabled(true)
                .failOnMissingLocations(true)
                .callbacks(new ProgressCallback(target.name(), progress));
        if (allowPending) {
            configuration.ignoreMigrationPatterns("*:pending");
        }
        return configuration.load();
    }

    private static void requireValid(DatabaseName database, ValidateResult result) {
        if (result.validationSuccessful) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (ValidateOutput invalid : result.invalidMigrations) {
            String file = invalid.filepath == null || invalid.filepath.isBlank()
                    ? "version " + invalid.version + " (" + invalid.description + ")"
                    : sourcePath(invalid.filepath);
            String detail = invalid.errorDetails == null ? "invalid" : invalid.errorDetails.errorMessage;
            problems.add(file + ": " + firstLine(detail));
        }
        if (problems.isEmpty() && result.errorDetails != null) {
            problems.add(firstLine(result.errorDetails.errorMessage));
        }
        throw new MigrationDriftException(database, problems);
    }

    /** `migrations/region/V2__x.sql` rather than the location inside the jar Flyway reports. */
    private static String sourcePath(String flywayPath) {
        int embedded = flywayPath.lastIndexOf("iru-migrations/");
        return embedded < 0 ? flywayPath : "migrations/" + flywayPath.substring(embedded + "iru-migrations/".length());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        return message.strip().lines().findFirst().orElse(message);
    }

    private void recordRegion(MigrationTarget target, Region region) {
        DatabaseCredentials owner = settings.owner();
        try (Connection c = login.connect(target.jdbcUrl(), owner)) {
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into region_identity (region) values (?) on conflict do nothing")) {
                insert.setString(1, region.code());
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("select region from region_identity");
                 ResultSet rs = select.executeQuery()) {
                rs.next();
                String recorded = rs.getString(1);
                if (!recorded.equals(region.code())) {
                    throw new RegionMismatchException(target.name(), region, recorded);
                }
            }
            progress.accept(target.name() + ": belongs to region " + region.code());
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(target.name(), e.getMessage(), e);
        }
    }

    /** One progress line per migration applied, so a long `migrate` is never silent. */
    private record ProgressCallback(DatabaseName database, Consumer<String> progress) implements Callback {
        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.AFTER_EACH_MIGRATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            var info = context.getMigrationInfo();
            progress.accept(database + ": applied " + info.getScript());
        }

        @Override
        public String getCallbackName() {
            return "iru-progress";
        }
    }
}
