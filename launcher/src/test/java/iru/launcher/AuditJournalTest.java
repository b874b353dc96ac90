package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.database.AuditActor;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.interfaces.http.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The journal is written by triggers, chained per tenant, and `verify-audit` catches every kind of tampering. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditJournalTest {
    static TestDeployment deployment;
    static TestDeployment.Plane control;

    @BeforeAll
    static void start() {
        deployment = TestDeployment.create("t_audit");
        control = deployment.start(Plane.control);
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static UUID createTenant(String slug, String region) throws Exception {
        var res = control.admin("POST", "/v1/tenants", "{\"slug\":\"" + slug + "\",\"name\":\"" + slug + "\",\"region\":\""
                + region + "\"}");
        assertEquals(201, res.statusCode(), res.body());
        return UUID.fromString(Json.MAPPER.readTree(res.body()).get("id").asText());
    }

    static void asSuperuserWithoutTriggers(String kind, String sql) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(kind); Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica"); // what an attacker with superuser would do
            s.execute(sql);
        }
    }

    @Test
    @Order(1)
    void cleanStateOnBothRegionsPasses() throws Exception {
        createTenant("clean-us", "us");
        createTenant("clean-eu", "eu");
        var result = deployment.run("verify-audit");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("region us") && result.output().contains("region eu"), result.output());
        var json = deployment.run("verify-audit", "--json");
        assertEquals(0, json.exitCode(), json.output());
        assertTrue(Json.MAPPER.readTree(json.output()).get("passed").asBoolean());
    }

    @Test
    @Order(2)
    void eightConcurrentWritersKeepOneTenantsChainIntact() throws Exception {
        UUID tenant = createTenant("busy-co", "eu");
        IruConfig config = IruConfig.from(deployment.environment);
        int writers = 8;
        int updatesEach = 15;
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().controlRuntime(), OpenTelemetry.noop());
             ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Callable<Integer> work = () -> {
                    for (int i = 0; i < updatesEach; i++) {
                        int n = i;
                        ScopedValue.where(AuditActor.CURRENT, "writer-" + writer).call(() ->
                                router.inTransaction(Region.EU, tenant, c -> {
                                    try (PreparedStatement s = c.prepareStatement(
                                            "update tenants set name = ? where tenant_id = ?")) {
                                        s.setString(1, "writer " + writer + " update " + n);
                                        s.setObject(2, tenant);
                                        return s.executeUpdate();
                                    }
                                }));
                    }
                    return updatesEach;
                };
                results.add(pool.submit(work));
            }
            for (Future<Integer> f : results) {
                assertEquals(updatesEach, f.get());
            }
        }
        try (Connection c = deployment.databases.connectAsOwner("eu");
             ResultSet rs = c.createStatement().executeQuery("select count(*), min(audit_seq), max(audit_seq),"
                     + " count(distinct audit_actor) from audit_tenants where tenant_id = '" + tenant + "'")) {
            rs.next();
            assertEquals(1 + writers * updatesEach, rs.getLong(1));
            assertEquals(1, rs.getLong(2));
            assertEquals(2 + writers * updatesEach, rs.getLong(3)); // seq 2: the first signing key, same chain
            assertEquals(writers + 1, rs.getLong(4)); // each writer plus control:admin's insert
        }
        var verified = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(0, verified.exitCode(), verified.output());
        assertTrue(verified.output().contains((2 + writers * updatesEach) + " journal entries"), verified.output());
    }

    @Test
    @Order(3)
    void columnAddedWithoutItsJournalFailsVerifyAndMigrateNamingBoth() throws Exception {
        try (Connection c = deployment.databases.connectAsOwner("us"); Statement s = c.createStatement()) {
            s.execute("alter table tenants add column nickname text");
        }
        try {
            var verify = deployment.run("verify-audit");
            assertEquals(1, verify.exitCode(), verify.output());
            assertTrue(verify.output().contains("tenants.nickname") && verify.output().contains("audit_tenants"),
                    verify.output());
            var migrate = deployment.run("migrate");
            assertNotEquals(0, migrate.exitCode(), migrate.output());
            assertTrue(migrate.output().contains("tenants.nickname") && migrate.output().contains("audit_tenants"),
                    migrate.output());
        } finally {
            try (Connection c = deployment.databases.connectAsOwner("us"); Statement s = c.createStatement()) {
                s.execute("alter table tenants drop column nickname");
            }
        }
        assertEquals(0, deployment.run("verify-audit", "--region", "us").exitCode());
    }

    @Test
    @Order(4)
    void journalRowAlteredBySuperuserIsNamed() throws Exception {
        UUID tenant = createTenant("altered-co", "eu");
        asSuperuserWithoutTriggers("eu", "update audit_tenants set name = 'Someone Else' where tenant_id = '" + tenant
                + "' and audit_seq = 1");
        var verify = deployment.run("verify-audit", "--tenant", tenant.toString());
        assertEquals(1, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("audit_tenants tenant=" + tenant + " seq=1"), verify.output());
        assertTrue(verify.output().contains("altered"), verify.output());
    }

    @Test
    @Order(5)
    void deletedJournalRowsAreCaughtInTheMiddleAndAtTheEnd() throws Exception {
        UUID middle = createTenant("middle-co", "us");
        UUID tail = createTenant("tail-co", "us");
        for (UUID tenant : List.of(middle, tail)) {
            try (Connection c = deployment.databases.connectAsOwner("us"); Statement s = c.createStatement()) {
                s.execute("set iru.actor = 'test'");
                s.execute("update tenants set name = 'renamed once' where tenant_id = '" + tenant + "'");
                s.execute("update tenants set name = 'renamed twice' where tenant_id = '" + tenant + "'");
            }
        }
        // Creation journals seq 1 (the tenant) and 2 (its first signing key); the renames are seq 3 and 4.
        asSuperuserWithoutTriggers("us", "delete from audit_tenants where tenant_id = '" + middle + "' and audit_seq = 3");
        var gap = deployment.run("verify-audit", "--tenant", middle.toString());
        assertEquals(1, gap.exitCode(), gap.output());
        assertTrue(gap.output().contains("audit_tenants tenant=" + middle + " seq=4"), gap.output());

        asSuperuserWithoutTriggers("us", "delete from audit_tenants where tenant_id = '" + tail + "' and audit_seq = 4");
        var truncated = deployment.run("verify-audit", "--tenant", tail.toString());
        assertEquals(1, truncated.exitCode(), truncated.output());
        assertTrue(truncated.output().contains("chain head is at seq=4") && truncated.output().contains("end at seq=3"),
                truncated.output());
    }
}
