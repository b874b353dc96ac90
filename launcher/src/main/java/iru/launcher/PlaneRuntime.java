package iru.launcher;

import io.helidon.common.Size;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.HttpRouting;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import iru.application.health.ReadinessCheck;
import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.IruConfig;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.RegionalDatabases;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.errors.SentryErrorReporter;
import iru.foundation.logging.StructuredLog;
import iru.foundation.migration.SchemaMigrator;
import iru.foundation.secrets.SecretStore;
import iru.foundation.telemetry.Telemetry;
import iru.foundation.workers.ClaimingWorker;
import iru.interfaces.dev.DevDiagnosticsService;
import iru.interfaces.health.HealthService;
import iru.interfaces.health.MetricsService;
import iru.interfaces.http.FailureResponder;
import iru.interfaces.http.InFlightRequests;
import iru.interfaces.openapi.DocumentedRoutes;
import iru.interfaces.openapi.OpenApiService;
import iru.interfaces.http.ProblemDirectHandler;
import iru.interfaces.http.RequestLifecycleFilter;
import iru.interfaces.http.StorableTextFilter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running plane, wired by hand. {@link #start} builds the graph bottom-up and refuses to serve if any database is
 * unreachable, unmigrated, changed since migration, or belongs to another region; {@link #stop} tears it down in the
 * documented order, logging each step.
 */
public final class PlaneRuntime {
    private static final StructuredLog LOG = StructuredLog.of(PlaneRuntime.class);
    private static final long MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** `iru workers` serves only its health probes, by default here. */
    static final int WORKERS_PORT = 8082;

    private final Plane plane;
    private final IruConfig config;
    private final Telemetry telemetry;
    private final ErrorReporter errors;
    private final OrmSessions orm;
    private final RegionalDatabases databases;
    private final InFlightRequests inFlight;
    private final WebServer server;
    private final List<AutoCloseable> workers;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private PlaneRuntime(Plane plane, IruConfig config, Telemetry telemetry, ErrorReporter errors, OrmSessions orm,
            RegionalDatabases databases, InFlightRequests inFlight, WebServer server, List<AutoCloseable> workers) {
        this.plane = plane;
        this.config = config;
        this.telemetry = telemetry;
        this.errors = errors;
        this.orm = orm;
        this.databases = databases;
        this.inFlight = inFlight;
        this.server = server;
        this.workers = workers;
    }

    public static PlaneRuntime start(Plane plane, IruConfig config, List<SpanExporter> extraSpanExporters) {
        return start(plane, config, extraSpanExporters, Secrets.store(config));
    }

    /** With a given secret store: tests hand in one they can inspect. */
    static PlaneRuntime start(Plane plane, IruConfig config, List<SpanExporter> extraSpanExporters,
            SecretStore secrets) {
        return start(plane, config, extraSpanExporters, secrets,
                PlaneWiring.scimDelivery(config, secrets), false);
    }

    /** Only the provisioning workers and the health probes (`iru workers`), on the tenant plane's role. */
    static PlaneRuntime startWorkers(IruConfig config, List<SpanExporter> extraSpanExporters, SecretStore secrets,
            PlaneWiring.DeliveryFactory deliveries) {
        return start(Plane.tenant, config, extraSpanExporters, secrets, deliveries, true);
    }

    /**
     * With the provisioning delivery given (tests hand in one they can watch); `workersOnly` serves the health probes
     * and runs the provisioning workers, nothing else.
     */
    static PlaneRuntime start(Plane plane, IruConfig config, List<SpanExporter> extraSpanExporters,
            SecretStore secrets, PlaneWiring.DeliveryFactory deliveries, boolean workersOnly) {
        return start(plane, config, extraSpanExporters, secrets, deliveries, workersOnly, bootOrm());
    }

    /**
     * `iru --plane=…`: Hibernate's boot, the longest step of a start, needs no configuration, so the command begins
     * it before it reads the configuration and hands it in here.
     */
    static PlaneRuntime start(Plane plane, IruConfig config, OrmSessions booting) {
        SecretStore secrets;
        try {
            secrets = Secrets.store(config);
        } catch (RuntimeException e) {
            booting.close();
            throw e;
        }
        return start(plane, config, List.of(), secrets, PlaneWiring.scimDelivery(config, secrets), false, booting);
    }

    /**
     * Hibernate's boot reads no database and no configuration: it runs beside everything else a start does, and the
     * features are wired with the sessions while it boots (the plane serves once it has booted).
     */
    static OrmSessions bootOrm() {
        return OrmSessions.boot(PlaneWiring.ORM_ENTITIES);
    }

    /** `orm` may still be booting; it is closed (once booted) if the start fails. */
    private static PlaneRuntime start(Plane plane, IruConfig config, List<SpanExporter> extraSpanExporters,
            SecretStore secrets, PlaneWiring.DeliveryFactory deliveries, boolean workersOnly, OrmSessions orm) {
        String name = workersOnly ? "workers" : plane.name();
        StartupTimeline timeline = new StartupTimeline();
        DatabaseCredentials role = plane.databaseRole(config.database());
        // The migration check opens connections of its own: it runs while the pools connect and Hibernate boots. A
        // refusal is still the one a start step by step would give: an unreachable database (pools), then changed
        // or missing migrations, then a database of another region.
        StartupStep<Void> migrationCheck = StartupStep.run("migrations", () ->
                new SchemaMigrator(config.database(), config.servedRegions(), line -> { }).verifyAllApplied(role));
        Telemetry telemetry;
        try {
            telemetry = Telemetry.create(config.telemetry().withServiceName("iru-" + name), extraSpanExporters);
        } catch (RuntimeException e) {
            migrationCheck.discard(e, checked -> { });
            orm.close();
            throw e;
        }
        ErrorReporter errors = SentryErrorReporter.forSettings(config.telemetry());
        RegionalDatabases databases = null;
        try {
            databases = RegionalDatabases.open(config.database(), config.servedRegions(), role,
                    telemetry.openTelemetry(), telemetry.meters());
            timeline.reached("pools_open");
            migrationCheck.join();
            timeline.reached("migrations_checked");
            TenantRegionRouter router = new TenantRegionRouter(databases);
            router.verifyRegionIdentities();
            timeline.reached("regions_checked");

            InFlightRequests inFlight = new InFlightRequests();
            FailureResponder failures = new FailureResponder(errors);
            HttpRouting.Builder routing = HttpRouting.builder()
                    .addFilter(new RequestLifecycleFilter(telemetry, inFlight))
                    .addFilter(new StorableTextFilter())
                    .register(new HealthService(new ReadinessCheck(databases, telemetry, errors), inFlight))
                    .register(new MetricsService(telemetry));
            failures.registerErrorHandler(routing);
            List<AutoCloseable> workers = workersOnly
                    ? PlaneWiring.provisioningWorkers(config, telemetry, orm, errors, deliveries).stream().toList()
                    : switch (plane) {
                        case control -> PlaneWiring.control(routing, config, router, telemetry, orm, secrets, errors);
                        case tenant -> PlaneWiring.tenant(routing, config, router, telemetry, orm, secrets, errors,
                                deliveries);
                    };
            if (config.devRoutes()) {
                routing.register(new DevDiagnosticsService());
            }
            DocumentedRoutes documented = DocumentedRoutes.of(plane == Plane.control
                    ? OpenApiService.CONTROL_DOCUMENT : OpenApiService.TENANT_DOCUMENT);
            failures.registerFallback(routing, documented::methodsFor);
            timeline.reached("wired");
            orm.awaitBooted();
            timeline.reached("orm_ready");
            int port = config.httpPort() >= 0 ? config.httpPort() : workersOnly ? WORKERS_PORT : plane.defaultPort();
            WebServer server = WebServer.builder()
                    .port(port)
                    .shutdownHook(false) // our stop() owns the order
                    .directHandlers(handlers -> {
                        for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
                            handlers.addHandler(event, new ProblemDirectHandler());
                        }
                    })
                    .shutdownGracePeriod(Duration.ofSeconds(1))
                    // Defence in depth behind JsonRequest's 64 KiB: no route reads more, so no body may be larger.
                    .maxPayloadSize(MAX_PAYLOAD_BYTES)
                    // A signed control-plane request's body is buffered to check its digest before the handler
                    // reads it; Helidon's default buffer (64 KB) is below JsonRequest's 64 KiB.
                    .addProtocol(Http1Config.builder().maxBufferedEntitySize(Size.create(MAX_PAYLOAD_BYTES)).build())
                    .routing(routing)
                    .build()
                    .start();
            timeline.reached("serving");
            LOG.info("plane.started", Map.of("plane", name, "port", server.port(),
                    "regions", config.servedRegions().stream().map(r -> r.code()).sorted().toList(),
                    "startup_ms", timeline.milestones()));
            return new PlaneRuntime(plane, config, telemetry, errors, orm, databases, inFlight, server, workers);
        } catch (RuntimeException e) {
            migrationCheck.discard(e, checked -> { });
            orm.close();
            if (databases != null) {
                databases.close();
            }
            telemetry.shutdown();
            throw e;
        }
    }

    /** The background workers this plane stops on shutdown, in order. */
    List<AutoCloseable> workers() {
        return workers;
    }

    public int port() {
        return server.port();
    }

    /**
     * Stops in order: workers that claim shared work stop claiming (another instance takes it at once; what they
     * hold they finish meanwhile), refuse new requests, drain those in flight (bounded), stop the listener, stop
     * background workers, flush and close tracing, flush error reporting, close the pools. Safe to call more than once.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            awaitTermination();
            return;
        }
        try {
            LOG.info("shutdown.begin", Map.of("plane", plane.name()));
            int claiming = 0;
            for (AutoCloseable worker : workers) {
                if (worker instanceof ClaimingWorker claimer) {
                    claimer.stopClaiming();
                    claiming++;
                }
            }
            LOG.info("shutdown.claiming-stopped", Map.of("step", 0, "workers", claiming));
            int left;
            try {
                left = inFlight.drain(config.drainTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                left = -1;
            }
            LOG.info("shutdown.requests-drained", Map.of("step", 1, "still_in_flight", left));
            server.stop();
            LOG.info("shutdown.server-stopped", Map.of("step", 2));
            for (AutoCloseable worker : workers) {
                closeReported(worker);
            }
            LOG.info("shutdown.workers-stopped", Map.of("step", 3, "workers", workers.size()));
            telemetry.shutdown();
            LOG.info("shutdown.tracing-flushed", Map.of("step", 4));
            errors.flush();
            LOG.info("shutdown.errors-flushed", Map.of("step", 5));
            orm.close();
            databases.close();
            LOG.info("shutdown.pools-closed", Map.of("step", 6));
            LOG.info("shutdown.complete", Map.of("plane", plane.name()));
        } finally {
            terminated.countDown();
        }
    }

    public void awaitTermination() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A worker that fails to stop is reported (errors are flushed after the workers stop), and shutdown goes on. */
    private void closeReported(AutoCloseable worker) {
        try {
            worker.close();
        } catch (Exception e) {
            String correlationId = java.util.UUID.randomUUID().toString();
            LOG.warn("shutdown.worker-failed", Map.of("worker", worker.toString(), "correlation_id", correlationId));
            errors.capture(e, correlationId);
        }
    }
}
