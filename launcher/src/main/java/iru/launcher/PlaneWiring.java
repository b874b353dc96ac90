package iru.launcher;

import io.helidon.webserver.http.HttpRouting;
import iru.application.tenant.TenantLifecycle;
import iru.application.tenant.TenantProfile;
import iru.application.tenant.TenantResolver;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantRecords;
import iru.foundation.config.IruConfig;
import iru.foundation.database.ChangeNotificationListener;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.secrets.SecretStore;
import iru.foundation.telemetry.Telemetry;
import iru.interfaces.control.AdminAuthenticationFilter;
import iru.interfaces.control.TenantsService;
import iru.interfaces.tenant.TenantProfileService;
import iru.interfaces.tenant.TenantRoutingFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The feature services of each plane, wired by hand. Returns the background workers the plane must stop. */
final class PlaneWiring {
    private static final int TENANT_CACHE_ENTRIES = 10_000;
    private static final Duration TENANT_CACHE_TTL = Duration.ofSeconds(30);

    private PlaneWiring() {
    }

    static List<AutoCloseable> control(HttpRouting.Builder routing, IruConfig config, TenantRegionRouter router,
            Telemetry telemetry, SecretStore secrets) {
        secrets.fetch(AdminAuthenticationFilter.ADMIN_TOKEN_SECRET); // fail at startup, not on the first request
        TenantLifecycle lifecycle = new TenantLifecycle(router, new TenantDirectory(), new TenantRecords(), telemetry);
        routing.addFilter(new AdminAuthenticationFilter(secrets))
               .register(new TenantsService(lifecycle));
        return List.of();
    }

    static List<AutoCloseable> tenant(HttpRouting.Builder routing, IruConfig config, TenantRegionRouter router,
            Telemetry telemetry) {
        TenantDirectory directory = new TenantDirectory();
        TenantResolver resolver = new TenantResolver(router, directory, TENANT_CACHE_ENTRIES, TENANT_CACHE_TTL,
                Clock.systemUTC());
        ChangeNotificationListener invalidations = new ChangeNotificationListener(config.database().directoryUrl(),
                config.database().runtime(), TenantDirectory.CHANGE_CHANNEL, resolver::invalidate,
                resolver::invalidateAll).start();
        routing.addFilter(new TenantRoutingFilter(resolver, router))
               .register(new TenantProfileService(new TenantProfile(router, new TenantRecords(), telemetry)));
        return List.of(invalidations);
    }
}
