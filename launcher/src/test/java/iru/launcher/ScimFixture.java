package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.OpenTelemetry;
import iru.application.identity.TenantTransactions;
import iru.application.provisioning.DeliveryOutcome;
import iru.application.provisioning.ProvisioningQueue;
import iru.application.provisioning.ProvisioningState;
import iru.application.provisioning.ProvisioningSubject;
import iru.application.provisioning.ProvisioningTask;
import iru.domain.application.ApplicationRepository;
import iru.domain.group.GroupRepository;
import iru.domain.provisioning.AppAccountRepository;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.UserRepository;
import iru.foundation.config.IruConfig;
import iru.foundation.config.TelemetrySettings;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.secrets.DevSecretStore;
import iru.foundation.telemetry.Telemetry;
import iru.interfaces.http.Json;
import iru.interfaces.provisioning.ScimProvisioning;
import iru.interfaces.provisioning.ScimSettings;
import iru.testkit.LoopbackCatalog;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deployment (control and tenant plane) with one tenant, and SCIM provisioning wired as the workers would use it:
 * its own pools on the tenant plane's database role, the plane's secret store, a queue that records what
 * reconciliation enqueues, and a tenant plane without workers, so only the test delivers.
 */
final class ScimFixture implements AutoCloseable {
    record Enqueued(UUID appId, ProvisioningSubject subject, String cause) {
    }

    final LoopbackCatalog upstream;
    final TestDeployment deployment;
    final TestDeployment.Plane api;
    final DevSecretStore secrets;
    final TestDeployment.TenantWithKey tenant;
    final TestDeployment.TenantWithKey rival;
    final RegionalDatabases pools;
    final TenantRegionRouter router;
    final OrmSessions orm;
    final ProvisioningState state;
    final List<Enqueued> enqueued = new CopyOnWriteArrayList<>();
    final ProvisioningQueue queue = (c, tenantId, appId, subject, cause) -> enqueued.add(
            new Enqueued(appId, subject, cause));
    final TenantLocation location;
    private final AtomicLong sequence = new AtomicLong();

    ScimFixture(String name) throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
        deployment = TestDeployment.create(name);
        var control = deployment.startControlWithCatalog(upstream);
        secrets = new DevSecretStore(deployment.environment, Duration.ofHours(1), Clock.systemUTC());
        // The test delivers by hand (or not at all): no workers delivering beside it.
        api = deployment.start(Plane.tenant, IruConfig.from(deployment.environment(Map.of("IRU_WORKERS", "off"))),
                secrets);
        tenant = TestDeployment.createTenant(control, "acme", "eu");
        rival = TestDeployment.createTenant(control, "rival", "eu");
        IruConfig config = IruConfig.from(deployment.environment);
        pools = RegionalDatabases.open(config.database(), config.servedRegions(), config.database().tenantRuntime(),
                OpenTelemetry.noop());
        router = new TenantRegionRouter(pools);
        orm = OrmSessions.create(PlaneWiring.ORM_ENTITIES);
        Telemetry telemetry = Telemetry.create(new TelemetrySettings(Optional.empty(), "test", Optional.empty(), 1.0),
                List.of());
        UserRepository users = new UserRepository(orm);
        state = new ProvisioningState(new TenantTransactions(router, telemetry), users, new GroupRepository(orm, users),
                new ApplicationRepository(orm, users), new AppAccountRepository());
        location = router.inDirectoryTransaction(c -> new TenantDirectory().findById(c,
                new TenantId(UUID.fromString(tenant.id())))).orElseThrow();
    }

    /** Provisioning as a dev deployment wires it (loopback allowed), with the given timeout. */
    ScimProvisioning provisioning(Duration timeout) {
        return provisioning(OutboundAddressPolicy.Mode.DEV, timeout);
    }

    ScimProvisioning provisioning(OutboundAddressPolicy.Mode mode, Duration timeout) {
        return ScimProvisioning.create(state, secrets, OutboundAddressPolicy.of(mode),
                new ScimSettings(timeout, Duration.ZERO, 100), queue);
    }

    DeliveryOutcome deliver(ScimProvisioning scim, String appId, ProvisioningSubject subject) {
        return deliver(scim, appId, subject, 1);
    }

    /** One attempt of a task, numbered as the workers number them (1 on the first delivery). */
    DeliveryOutcome deliver(ScimProvisioning scim, String appId, ProvisioningSubject subject, int attempt) {
        return scim.delivery().deliver(location, new ProvisioningTask(sequence.incrementAndGet(), location.id(),
                UUID.fromString(appId), subject, "test", attempt, Optional.empty()));
    }

    HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        return api.as(tenant.key(), method, "/t/" + tenant.slug() + "/v1" + path, body, headers);
    }

    JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> res = call(method, path, body);
        if (res.statusCode() >= 300) {
            throw new AssertionError(method + " " + path + " -> " + res.statusCode() + " " + res.body());
        }
        return res.body().isEmpty() ? null : Json.MAPPER.readTree(res.body());
    }

    /** An application provisioned to `baseUrl` with `token` as its SCIM credential. */
    String app(String baseUrl, String token) throws Exception {
        String id = ok("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"Slack\",\"scimBaseUrl\":\""
                + baseUrl + "\"}").get("id").asText();
        if (token != null) {
            credential(id, token);
        }
        return id;
    }

    void credential(String appId, String token) throws Exception {
        ok("PUT", "/apps/" + appId + "/scim-credential", "{\"bearerToken\":\"" + token + "\"}");
    }

    String user(String userName) throws Exception {
        return ok("POST", "/users", "{\"userName\":\"" + userName + "\",\"email\":\"" + userName
                + "@example.com\",\"givenName\":\"Given\",\"familyName\":\"Family\"}").get("id").asText();
    }

    void rename(String userId, String displayName) throws Exception {
        HttpResponse<String> current = call("GET", "/users/" + userId, null);
        String etag = current.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> res = call("PATCH", "/users/" + userId, "{\"displayName\":\"" + displayName + "\"}",
                "Content-Type", "application/merge-patch+json", "If-Match", etag);
        assertEquals(200, res.statusCode(), res.body());
    }

    void assign(String appId, String userId) throws Exception {
        ok("PUT", "/apps/" + appId + "/assignments/users/" + userId, null);
    }

    void unassign(String appId, String userId) throws Exception {
        ok("DELETE", "/apps/" + appId + "/assignments/users/" + userId, null);
    }

    /** The remote id we recorded for a user's or group's account, read as the schema owner. */
    Optional<String> remoteId(String appId, String kind, String subjectId) throws Exception {
        try (var c = deployment.databases.connectAsOwner("eu");
             var s = c.prepareStatement("select remote_id from app_accounts where app_id = ? and subject_kind = ?"
                     + " and subject_id = ?")) {
            s.setObject(1, UUID.fromString(appId));
            s.setString(2, kind);
            s.setObject(3, UUID.fromString(subjectId));
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        orm.close();
        pools.close();
        deployment.close();
        upstream.close();
    }
}
