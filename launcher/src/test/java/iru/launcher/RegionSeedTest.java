package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.database.DatabaseName;
import iru.foundation.database.RegionMismatchException;
import iru.foundation.migration.MigrationTarget;
import iru.foundation.migration.RegionSeeder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RegionSeedTest {
    static TestDeployment deployment;

    @BeforeAll
    static void start() {
        deployment = TestDeployment.create("t_seed"); // runs `migrate --seed`
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static String reference(String kind, String key) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind);
             ResultSet rs = c.createStatement().executeQuery("select value from region_reference where key = '" + key + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static long rows(String kind) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind);
             ResultSet rs = c.createStatement().executeQuery("select count(*) from region_reference")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void eachRegionGetsItsOwnReferenceData() throws Exception {
        assertEquals("us-east-2", reference("us", "region.aws"));
        assertEquals("eu-central-1", reference("eu", "region.aws"));
        assertEquals("GDPR", reference("eu", "region.privacy_framework"));
    }

    @Test
    void migrateSeedRefusesCrossWiredDatabaseAndWritesNothing() throws Exception {
        try (Connection c = deployment.databases.connectAsOwner("eu")) {
            c.createStatement().execute("delete from region_reference");
        }
        var result = deployment.runWith(Map.of("IRU_DB_US_URL", deployment.databases.url("eu")), "migrate", "--seed");
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("configured for region us")
                && result.output().contains("belongs to region eu"), result.output());
        assertEquals(0, rows("eu"));
        assertEquals(0, deployment.run("migrate", "--seed").exitCode());
        assertEquals("eu-central-1", reference("eu", "region.aws"));
    }

    @Test
    void seederItselfChecksTheRecordedRegionInTheWritingTransaction() throws Exception {
        long before = rows("eu");
        IruConfig config = IruConfig.from(deployment.environment);
        MigrationTarget crossWired = new MigrationTarget(DatabaseName.region(Region.US, deployment.databases.url("eu")),
                deployment.databases.url("eu"), "classpath:iru-migrations/region", Optional.of(Region.US));
        var e = assertThrows(RegionMismatchException.class,
                () -> new RegionSeeder(config.database(), line -> { }).seed(crossWired));
        assertTrue(e.getMessage().contains("belongs to region eu"), e.getMessage());
        assertEquals(before, rows("eu"));
        assertEquals("eu-central-1", reference("eu", "region.aws"));
    }
}
