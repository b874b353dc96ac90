package iru.foundation.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.config.IruConfig;
import iru.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {
    static TestDatabases databases;

    @BeforeAll
    static void createDatabases() {
        databases = TestDatabases.create("t_schema_migrator");
    }

    @AfterAll
    static void dropDatabases() {
        databases.close();
    }

    @Test
    void migratesEveryDatabaseWithOneProgressLinePerDatabaseAndMigration() {
        List<String> progress = new ArrayList<>();
        IruConfig config = MigratedDatabases.migrate(databases, Map.of(), progress);
        assertTrue(progress.stream().anyMatch(l -> l.contains("directory database") && l.contains("applied V1__")),
                progress.toString());
        assertTrue(progress.stream().anyMatch(l -> l.contains("region us") && l.contains("applied V1__")));
        assertTrue(progress.stream().anyMatch(l -> l.contains("region eu") && l.contains("belongs to region eu")));

        // A second run is a no-op that still verifies.
        new SchemaMigrator(config.database(), config.servedRegions(), l -> { }).migrateAll();
        new SchemaMigrator(config.database(), config.servedRegions(), l -> { }).verifyAllApplied(config.database().tenantRuntime());
    }

    @Test
    void changedAppliedMigrationIsAHardFailureNamingTheFile() throws Exception {
        IruConfig config = MigratedDatabases.migrate(databases);
        try (Connection c = databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            // What Flyway sees when the file of an applied migration was edited: its checksum no longer matches.
            s.execute("update flyway_schema_history set checksum = checksum + 1 where version = '1'");
        }
        try {
            SchemaMigrator migrator = new SchemaMigrator(config.database(), config.servedRegions(), l -> { });
            var onMigrate = assertThrows(MigrationDriftException.class, migrator::migrateAll);
            assertTrue(onMigrate.getMessage().contains("V1__region_identity.sql"), onMigrate.getMessage());
            assertTrue(onMigrate.getMessage().contains("region eu"), onMigrate.getMessage());
            var onStart = assertThrows(MigrationDriftException.class,
                    () -> migrator.verifyAllApplied(config.database().tenantRuntime()));
            assertTrue(onStart.getMessage().contains("V1__region_identity.sql"), onStart.getMessage());
        } finally {
            try (Connection c = databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
                s.execute("update flyway_schema_history set checksum = checksum - 1 where version = '1'");
            }
        }
    }

    @Test
    void unmigratedDatabaseIsRefusedAtStartup() {
        try (TestDatabases fresh = TestDatabases.create("t_schema_unmigrated")) {
            IruConfig config = IruConfig.from(fresh.environment());
            SchemaMigrator migrator = new SchemaMigrator(config.database(), config.servedRegions(), l -> { });
            var e = assertThrows(MigrationDriftException.class, () -> migrator.verifyAllApplied(config.database().owner()));
            assertTrue(e.getMessage().contains("directory database"), e.getMessage());
        }
    }

    @Test
    void databaseOfUrlIgnoresQueryString() {
        assertEquals("iru_us", DevBootstrap.databaseOf("jdbc:postgresql://h:5432/iru_us?ssl=true"));
    }
}
