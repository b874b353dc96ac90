package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.OpenTelemetry;
import iru.application.tenant.TenantLifecycle;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantRecords;
import iru.foundation.config.IruConfig;
import iru.foundation.config.TelemetrySettings;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.telemetry.Telemetry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A crash between the directory and the region leaves `provisioning` rows; reconciliation finishes them. */
class TenantCreationReconciliationTest {
    static TestDeployment deployment;

    @BeforeAll
    static void create() {
        deployment = TestDeployment.create("t_reconcile");
    }

    @AfterAll
    static void drop() {
        deployment.close();
    }

    static void sql(String kind, String statement) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind)) {
            c.createStatement().execute(statement);
        }
    }

    static String status(UUID id) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner("directory");
             ResultSet rs = c.createStatement().executeQuery("select status from tenant_directory where id = '" + id + "'")) {
            return rs.next() ? rs.getString(1) : "absent";
        }
    }

    @Test
    void staleCreationsAreActivatedIfRecordedAndReleasedOtherwiseFreshOnesLeftAlone() throws Exception {
        UUID recorded = UUID.randomUUID();
        UUID lost = UUID.randomUUID();
        UUID inFlight = UUID.randomUUID();
        sql("directory", "insert into tenant_directory (id, slug, region, status, created_at) values"
                + " ('" + recorded + "', 'crashed-after-region', 'eu', 'provisioning', now() - interval '10 minutes'),"
                + " ('" + lost + "', 'crashed-before-region', 'us', 'provisioning', now() - interval '10 minutes'),"
                + " ('" + inFlight + "', 'still-creating', 'us', 'provisioning', now())");
        sql("directory", "insert into tenant_creation_requests (idempotency_key, request_fingerprint, tenant_id)"
                + " values ('lost-key', '\\x00', '" + lost + "')");
        sql("eu", "insert into tenants (tenant_id, slug, name, region, status) values ('" + recorded
                + "', 'crashed-after-region', 'Recorded', 'eu', 'active')");

        IruConfig config = IruConfig.from(deployment.environment);
        Telemetry telemetry = Telemetry.create(new TelemetrySettings(Optional.empty(), "test", Optional.empty(), 1.0), List.of());
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().controlRuntime(), OpenTelemetry.noop());
             OrmSessions orm = OrmSessions.create(TenantRecords.ENTITIES)) {
            TenantLifecycle lifecycle = new TenantLifecycle(new TenantRegionRouter(pools), new TenantDirectory(),
                    new TenantRecords(orm), telemetry, null); // reconciliation only activates or releases: no key made
            var result = lifecycle.reconcileStaleCreations(Duration.ofMinutes(5));
            assertEquals(1, result.activated());
            assertEquals(1, result.released());
            assertEquals(0, lifecycle.reconcileStaleCreations(Duration.ofMinutes(5)).activated()); // idempotent
        }
        assertEquals("active", status(recorded));
        assertEquals("absent", status(lost));
        assertEquals("provisioning", status(inFlight));
    }
}
