package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.application.provisioning.OutboxQueue;
import iru.application.provisioning.ProvisioningFanOut;
import iru.application.provisioning.ProvisioningSubject;
import iru.domain.provisioning.ProvisioningOutbox;
import iru.domain.tenant.TenantId;
import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every directory change that an application's accounts must follow writes exactly the expected outbox rows, in the
 * change's own transaction (the workers are off here, so the rows stay to be read).
 */
class ProvisioningOutboxTest {
    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane api;
    static TestDeployment.TenantWithKey acme;
    static String scimApp;
    static String plainApp;

    @BeforeAll
    static void start() throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
        deployment = TestDeployment.create("t_prov_outbox");
        var control = deployment.startControlWithCatalog(upstream);
        api = deployment.start(Plane.tenant, Map.of("IRU_WORKERS", "off"));
        acme = TestDeployment.createTenant(control, "acme", "eu");
        scimApp = created("/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Slack\","
                + "\"scimBaseUrl\":\"https://api.slack.com/scim/v2\"}");
        plainApp = created("/apps", "{\"templateKey\":\"slack\",\"displayName\":\"No SCIM\"}");
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    @BeforeEach
    void emptyOutbox() throws Exception {
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            s.execute("delete from provisioning_outbox");
        }
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return api.as(acme.key(), method, "/t/" + acme.slug() + "/v1" + path, body);
    }

    static String created(String path, String body) throws Exception {
        var res = call("POST", path, body);
        assertEquals(201, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("id").asText();
    }

    static void ok(String method, String path, String body) throws Exception {
        var res = call(method, path, body);
        assertTrue(res.statusCode() / 100 == 2, method + " " + path + " -> " + res.statusCode() + " " + res.body());
    }

    static String user(String name) throws Exception {
        return created("/users", "{\"userName\":\"" + name + "\",\"email\":\"" + name + "@acme.example\"}");
    }

    static String group(String name) throws Exception {
        return created("/groups", "{\"displayName\":\"" + name + "\"}");
    }

    /** The outbox, as `<cause> <kind>:<subject>@<app>` lines, taken (and emptied) for the next step. */
    static List<String> drained() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select cause, subject_kind, subject_id, app_id from provisioning_outbox"
                     + " order by seq")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + ":" + rs.getString(3) + "@" + rs.getString(4));
            }
            s.execute("delete from provisioning_outbox");
        }
        return rows;
    }

    static String row(String cause, String kind, String subject) {
        return cause + " " + kind + ":" + subject + "@" + scimApp;
    }

    @Test
    void directAssignmentsEnqueueTheUserForSCIMApplicationsOnly() throws Exception {
        String ann = user("ann");
        assertEquals(List.of(), drained(), "a new user is assigned to nothing yet");
        ok("PUT", "/apps/" + plainApp + "/assignments/users/" + ann, null);
        assertEquals(List.of(), drained(), "an application without a SCIM endpoint hears nothing");
        ok("PUT", "/apps/" + scimApp + "/assignments/users/" + ann, null);
        assertEquals(List.of(row("assignment.added", "user", ann)), drained());
        ok("PATCH", "/users/" + ann, "{\"givenName\":\"Ann\"}");
        assertEquals(List.of(row("user.updated", "user", ann)), drained());
        ok("POST", "/users/" + ann + "/deactivate", null);
        assertEquals(List.of(row("user.deactivated", "user", ann)), drained());
        ok("POST", "/users/" + ann + "/reactivate", null);
        assertEquals(List.of(row("user.reactivated", "user", ann)), drained());
        ok("DELETE", "/apps/" + scimApp + "/assignments/users/" + ann, null);
        assertEquals(List.of(row("assignment.removed", "user", ann)), drained());
        ok("PATCH", "/users/" + ann, "{\"givenName\":\"Annie\"}");
        assertEquals(List.of(), drained(), "no longer assigned: nobody to tell");
    }

    @Test
    void groupAssignmentsAndMembershipsEnqueueTheGroupAndEachMember() throws Exception {
        String bob = user("bob");
        String cat = user("cat");
        String team = group("Team");
        ok("PUT", "/groups/" + team + "/members/" + bob, null);
        assertEquals(List.of(), drained(), "the group is assigned to nothing yet");
        ok("PUT", "/apps/" + scimApp + "/assignments/groups/" + team, null);
        assertEquals(Set.of(row("assignment.added", "group", team), row("assignment.added", "user", bob)),
                Set.copyOf(drained()));
        ok("PUT", "/groups/" + team + "/members/" + cat, null);
        assertEquals(Set.of(row("membership.added", "user", cat), row("membership.added", "group", team)),
                Set.copyOf(drained()));
        ok("PATCH", "/users/" + cat, "{\"givenName\":\"Cat\"}");
        assertEquals(List.of(row("user.updated", "user", cat)), drained(), "one row per application, not per path");
        ok("DELETE", "/groups/" + team + "/members/" + bob, null);
        assertEquals(Set.of(row("membership.removed", "user", bob), row("membership.removed", "group", team)),
                Set.copyOf(drained()));
        ok("DELETE", "/apps/" + scimApp + "/assignments/groups/" + team, null);
        assertEquals(Set.of(row("assignment.removed", "group", team), row("assignment.removed", "user", cat)),
                Set.copyOf(drained()));
    }

    @Test
    void aDeletedUserOrGroupStillGetsItsTask() throws Exception {
        String dan = user("dan");
        String crew = group("Crew");
        ok("PUT", "/groups/" + crew + "/members/" + dan, null);
        ok("PUT", "/apps/" + scimApp + "/assignments/groups/" + crew, null);
        drained();
        ok("DELETE", "/users/" + dan, null);
        assertEquals(List.of(row("user.deleted", "user", dan)), drained(),
                "computed before the cascade took the membership away: delivery will delete the remote account");
        String eve = user("eve");
        ok("PUT", "/groups/" + crew + "/members/" + eve, null);
        drained();
        ok("DELETE", "/groups/" + crew, null);
        assertEquals(Set.of(row("group.deleted", "group", crew), row("group.deleted", "user", eve)),
                Set.copyOf(drained()));
    }

    @Test
    void scimSettingsOrCredentialChangesEnqueueEveryoneEffectivelyAssigned() throws Exception {
        String fay = user("fay");
        String gus = user("gus");
        String ops = group("Ops");
        ok("PUT", "/groups/" + ops + "/members/" + gus, null);
        ok("PUT", "/apps/" + scimApp + "/assignments/users/" + fay, null);
        ok("PUT", "/apps/" + scimApp + "/assignments/groups/" + ops, null);
        drained();
        ok("PUT", "/apps/" + scimApp + "/scim-credential", "{\"bearerToken\":\"scim-token-0123456789abcdef\"}");
        Set<String> everyone = Set.of(row("app.credential-changed", "user", fay),
                row("app.credential-changed", "user", gus), row("app.credential-changed", "group", ops));
        assertTrue(drained().containsAll(everyone));
        ok("PATCH", "/apps/" + scimApp, "{\"scimBaseUrl\":\"https://api.slack.com/scim/v3\"}");
        Set<String> moved = drained().stream().filter(r -> r.startsWith("app.scim-changed"))
                .collect(Collectors.toSet());
        assertTrue(moved.containsAll(everyone.stream().map(r -> r.replace("app.credential-changed",
                "app.scim-changed")).toList()), moved.toString());
        ok("PATCH", "/apps/" + scimApp, "{\"displayName\":\"Slack (renamed)\"}");
        assertEquals(List.of(), drained(), "a rename changes nothing downstream");
    }

    @Test
    void theRowCarriesTheTraceOfTheRequestThatCausedIt() throws Exception {
        String hal = user("hal");
        ok("PUT", "/apps/" + scimApp + "/assignments/users/" + hal, null);
        String traceparent = deployment.queryAsOwner("eu", "select traceparent from provisioning_outbox");
        assertTrue(traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"), traceparent);
        String traceId = traceparent.split("-")[1];
        assertTrue(api.spans().getFinishedSpanItems().stream().anyMatch(span -> span.getTraceId().equals(traceId)));
    }

    @Test
    void aRolledBackChangeLeavesNoOutboxRow() throws Exception {
        String ida = user("ida");
        ok("PUT", "/apps/" + scimApp + "/assignments/users/" + ida, null);
        drained();
        IruConfig config = IruConfig.from(deployment.environment);
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), Set.of(Region.EU),
                config.database().tenantRuntime(), OpenTelemetry.noop())) {
            TenantRegionRouter router = new TenantRegionRouter(pools);
            ProvisioningFanOut fanOut = new ProvisioningFanOut(new OutboxQueue(new ProvisioningOutbox()));
            TenantId tenant = new TenantId(UUID.fromString(acme.id()));
            assertThrows(IllegalStateException.class, () -> router.inTransaction(Region.EU, tenant.value(), c -> {
                fanOut.enqueue(c, tenant, fanOut.user(c, tenant, UUID.fromString(ida)), "user.updated");
                new OutboxQueue(new ProvisioningOutbox()).enqueue(c, tenant, UUID.fromString(scimApp),
                        new ProvisioningSubject.User(UUID.fromString(ida)), "user.updated");
                assertEquals("2", count(c));
                throw new IllegalStateException("the change failed after its rows were written");
            }));
            assertEquals("0", router.inTransaction(Region.EU, tenant.value(), ProvisioningOutboxTest::count));
        }
        // And through the API: a user update that fails its precondition writes nothing either.
        var stale = call("PATCH", "/users/" + ida, "{\"givenName\":\"Ida\"}");
        assertEquals(200, stale.statusCode());
        drained();
        var refused = api.as(acme.key(), "PATCH", "/t/" + acme.slug() + "/v1/users/" + ida, "{\"givenName\":\"X\"}",
                "If-Match", "\"1\"");
        assertEquals(412, refused.statusCode(), refused.body());
        assertEquals(List.of(), drained());
    }

    @Test
    void theSchemaCheckKnowsQueuesAndRefusesAnUnclassifiedTableOrAWiderClaimPolicy() throws Exception {
        var clean = deployment.run("verify-audit", "--region", "eu");
        assertEquals(0, clean.exitCode(), clean.output());
        assertTrue(clean.output().contains("queue=[provisioning_outbox]"), clean.output());
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            s.execute("create table undeclared_queue (tenant_id uuid not null, id int primary key)");
            s.execute("call tenant_isolate('undeclared_queue', 'iru_tenant')");
            s.execute("alter policy queue_claim on provisioning_outbox to iru_tenant");
        }
        try {
            var verify = deployment.run("verify-audit", "--region", "eu");
            assertEquals(1, verify.exitCode(), verify.output());
            assertTrue(verify.output().contains("undeclared_queue: is in no table class"), verify.output());
            assertTrue(verify.output().contains("provisioning_outbox: policy queue_claim must apply to the table's"
                    + " owner alone"), verify.output());
        } finally {
            try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
                s.execute("drop table undeclared_queue");
                s.execute("alter policy queue_claim on provisioning_outbox to current_user");
            }
        }
        assertEquals(0, deployment.run("verify-audit", "--region", "eu").exitCode());
    }

    @Test
    void onlyTheTenantRuntimeMayClaimAndItSeesNoOtherTenantsRowsOtherwise() throws Exception {
        String jim = user("jim");
        ok("PUT", "/apps/" + scimApp + "/assignments/users/" + jim, null);
        IruConfig config = IruConfig.from(deployment.environment);
        var control = config.database().controlRuntime();
        try (Connection c = java.sql.DriverManager.getConnection(deployment.databases.url("eu"), control.user(),
                control.password()); Statement s = c.createStatement()) {
            var e = assertThrows(java.sql.SQLException.class,
                    () -> s.executeQuery("select * from provisioning_claim('intruder', 10, 60)"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
            e = assertThrows(java.sql.SQLException.class, () -> s.executeQuery("select * from provisioning_outbox"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
        var tenant = config.database().tenantRuntime();
        try (Connection c = java.sql.DriverManager.getConnection(deployment.databases.url("eu"), tenant.user(),
                tenant.password()); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("select set_config('iru.tenant_id', '" + UUID.randomUUID() + "', true)");
            try (ResultSet rs = s.executeQuery("select count(*) from provisioning_outbox")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "another tenant's rows are invisible under row-level security");
            }
            assertEquals(0, s.executeUpdate("update provisioning_outbox set parked_at = now()"));
            c.rollback();
        }
    }

    static String count(Connection c) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from provisioning_outbox")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
