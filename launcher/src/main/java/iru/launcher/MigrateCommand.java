package iru.launcher;

import iru.foundation.config.IruConfig;
import iru.foundation.migration.DevBootstrap;
import iru.foundation.migration.MigrationTarget;
import iru.foundation.migration.RegionSeeder;
import iru.foundation.migration.SchemaMigrator;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {
            "Applies the embedded migrations to the directory database and every served regional database, as the",
            "schema owner (IRU_DB_USER). A migration changed after it was applied is a hard failure.",
            "Prints one line per database and per migration."})
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    IruCommand parent;

    @Option(names = "--create-databases",
            description = "Create the configured databases if they do not exist (local development).")
    boolean createDatabases;

    @Option(names = "--create-runtime-roles", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create each plane's runtime role (IRU_DB_TENANT_USER, IRU_DB_CONTROL_USER) if missing:"
                    + " no superuser, no BYPASSRLS. Default: ${DEFAULT-VALUE}.")
    boolean createRuntimeRoles;

    @Option(names = "--seed",
            description = "Also load each region's reference data (migrations/region/seed/<region>/seed.sql), only"
                    + " into a database that records that region.")
    boolean seed;

    @Override
    public Integer call() {
        IruConfig config = parent.config();
        PrintWriter out = spec.commandLine().getOut();
        SchemaMigrator migrator = new SchemaMigrator(config.database(), config.servedRegions(), line -> {
            out.println("migrate: " + line);
            out.flush();
        });
        List<MigrationTarget> targets = migrator.targets();
        DevBootstrap bootstrap = new DevBootstrap(config.database(), line -> {
            out.println("migrate: " + line);
            out.flush();
        });
        if (createDatabases) {
            bootstrap.createMissingDatabases(targets);
        }
        if (createRuntimeRoles) {
            bootstrap.createRuntimeRoles(targets.getFirst());
        }
        migrator.migrateAll();
        if (seed) {
            RegionSeeder seeder = new RegionSeeder(config.database(), line -> {
                out.println("migrate: " + line);
                out.flush();
            });
            targets.stream().filter(t -> t.region().isPresent()).forEach(seeder::seed);
        }
        out.println("migrate: done, " + targets.size() + " database(s) up to date");
        return 0;
    }
}
