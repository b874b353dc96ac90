package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import iru.application.session.ExpiredSignInStateSweeper;
import iru.domain.oauth.OAuthGrantRepository;
import iru.domain.passkey.CeremonyStore;
import iru.domain.session.SessionRepository;
import iru.domain.tenant.TenantDirectory;
import iru.foundation.config.IruConfig;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.interfaces.http.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Expired sign-in state goes tenant by tenant, under each tenant's own scope; live state stays. */
class SignInStateSweepTest {
    static TestDeployment deployment;
    static TestDeployment.TenantWithKey us;
    static TestDeployment.TenantWithKey eu;

    @BeforeAll
    static void start() throws Exception {
        deployment = TestDeployment.create("t_sweep");
        TestDeployment.Plane control = deployment.start(Plane.control);
        TestDeployment.Plane api = deployment.start(Plane.tenant);
        us = TestDeployment.createTenant(control, "sweep-us", "us");
        eu = TestDeployment.createTenant(control, "sweep-eu", "eu");
        for (var tenant : new TestDeployment.TenantWithKey[] {us, eu}) {
            var user = api.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/users",
                    "{\"userName\":\"ada\",\"email\":\"ada@example.com\"}");
            assertEquals(201, user.statusCode(), user.body());
            String userId = Json.MAPPER.readTree(user.body()).get("id").asText();
            String region = tenant == us ? "us" : "eu";
            owner(region, "insert into sessions (tenant_id, session_hash, user_id, created_at, last_seen_at,"
                    + " absolute_expires_at, expires_at) values"
                    + " ('" + tenant.id() + "', sha256('expired'), '" + userId + "', now() - interval '2 hours',"
                    + " now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'),"
                    + " ('" + tenant.id() + "', sha256('live'), '" + userId + "', now(), now(),"
                    + " now() + interval '1 hour', now() + interval '30 minutes')");
            owner(region, "insert into webauthn_challenges (tenant_id, challenge_hash, presession_hash, purpose,"
                    + " created_at, expires_at) values ('" + tenant.id() + "', sha256('old'), sha256('p'),"
                    + " 'authentication', now() - interval '1 hour', now() - interval '55 minutes'),"
                    + " ('" + tenant.id() + "', sha256('fresh'), sha256('p'), 'authentication', now(),"
                    + " now() + interval '5 minutes')");
        }
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    static void owner(String region, String sql) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(region); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(String region, String sql) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner(region); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void expiredSessionsAndChallengesGoInEveryRegionAndLiveOnesStay() throws Exception {
        IruConfig config = IruConfig.from(deployment.environment);
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().tenantRuntime(), OpenTelemetry.noop())) {
            var sweeper = new ExpiredSignInStateSweeper(new TenantRegionRouter(pools), new TenantDirectory(),
                    new CeremonyStore(), new SessionRepository(), new OAuthGrantRepository(), config.servedRegions(),
                    Clock.systemUTC());
            assertEquals(4, sweeper.sweep(), "one expired session and one expired challenge per tenant");
            assertEquals(0, sweeper.sweep(), "nothing left to sweep");
        }
        for (String region : new String[] {"us", "eu"}) {
            assertEquals(1, count(region, "select count(*) from sessions"));
            assertEquals(1, count(region, "select count(*) from sessions where session_hash = sha256('live')"));
            assertEquals(1, count(region, "select count(*) from webauthn_challenges where challenge_hash = sha256('fresh')"));
            assertTrue(count(region, "select count(*) from webauthn_challenges where expires_at <= now()") == 0);
        }
    }
}
