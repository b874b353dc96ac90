package iru.foundation.migration;

import iru.foundation.config.IruConfig;
import iru.testkit.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test fixture: fresh databases for one test class, migrated like `iru migrate` would. */
public final class MigratedDatabases {
    private MigratedDatabases() {
    }

    public static IruConfig migrate(TestDatabases databases, Map<String, String> extraEnvironment, List<String> progress) {
        Map<String, String> env = new java.util.HashMap<>(databases.environment());
        env.putAll(extraEnvironment);
        IruConfig config = IruConfig.from(env);
        SchemaMigrator migrator = new SchemaMigrator(config.database(), config.servedRegions(), progress::add);
        new DevBootstrap(config.database(), progress::add).createRuntimeRoles(migrator.targets().getFirst());
        migrator.migrateAll();
        return config;
    }

    public static IruConfig migrate(TestDatabases databases) {
        return migrate(databases, Map.of(), new ArrayList<>());
    }
}
