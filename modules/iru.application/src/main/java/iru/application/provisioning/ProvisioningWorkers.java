package iru.application.provisioning;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import iru.domain.provisioning.OutboxEntry;
import iru.domain.provisioning.OutboxLease;
import iru.domain.provisioning.OutboxStats;
import iru.domain.provisioning.ProvisioningOutbox;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.Region;
import iru.foundation.config.WorkerSettings;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.logging.StructuredLog;
import iru.foundation.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * The provisioning workers: `count` per served region, each claiming a small batch of due subjects across tenants,
 * then delivering them one at a time, each recorded in its tenant's own routed transaction. Everything runs on the
 * workers' own router (own pools) and own threads, so a downstream that hangs holds only these. A delivery is bounded
 * by the delivery timeout; on {@link #close} the workers stop claiming, interrupt the delivery in progress and hand
 * back every lease they still hold, so another worker delivers those records.
 *
 * <p>They also publish the outbox's gauges per served region (`iru_provisioning_outbox_pending`, `_parked`,
 * `_oldest_pending_seconds`, label `region` only): one thread reads the aggregates every {@link #STATS_INTERVAL}
 * through `provisioning_outbox_stats`, and a scrape reads only that cached result, never the database. A region
 * whose last read failed (or that was not read yet) shows NaN rather than a stale or invented number.
 */
public final class ProvisioningWorkers implements AutoCloseable {
    private static final StructuredLog LOG = StructuredLog.of(ProvisioningWorkers.class);
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey("iru.tenant_id");
    private static final AttributeKey<String> CAUSE = AttributeKey.stringKey("iru.provisioning.cause");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("iru.provisioning.outcome");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("iru.provisioning.attempt");
    private static final AttributeKey<Long> CLAIMED = AttributeKey.longKey("iru.provisioning.claimed");
    private static final AttributeKey<String> REGION = AttributeKey.stringKey("iru.region");

    private final TenantRegionRouter router;
    private final Set<Region> regions;
    private final TenantDirectory directory;
    private final ProvisioningOutbox outbox;
    private final ProvisioningDelivery delivery;
    private final WorkerSettings settings;
    private final RetryPolicy retries;
    private final Telemetry telemetry;
    private final ErrorReporter errors;
    private final Clock clock;
    private final String instance;
    private final ExecutorService loops;
    private final ExecutorService deliveries;
    private final ScheduledExecutorService statsReader;
    private final Map<Region, AtomicReference<OutboxStats>> stats = new HashMap<>();
    private final List<Meter> gauges = new ArrayList<>();
    private volatile boolean running = true;

    /** How often the outbox gauges' aggregates are read from each region's database. */
    public static final Duration STATS_INTERVAL = Duration.ofSeconds(5);

    public ProvisioningWorkers(TenantRegionRouter router, Set<Region> regions, TenantDirectory directory,
            ProvisioningOutbox outbox, ProvisioningDelivery delivery, WorkerSettings settings, Telemetry telemetry,
            ErrorReporter errors, Clock clock, RandomGenerator random) {
        this.router = router;
        this.regions = Set.copyOf(regions);
        this.directory = directory;
        this.outbox = outbox;
        this.delivery = delivery;
        this.settings = settings;
        this.retries = RetryPolicy.of(settings, random);
        this.telemetry = telemetry;
        this.errors = errors;
        this.clock = clock;
        this.instance = "worker-" + UUID.randomUUID();
        this.loops = Executors.newFixedThreadPool(regions.size() * settings.count(),
                Thread.ofPlatform().name("provisioning-worker-", 0).daemon(true).factory());
        // One delivery at a time per worker; a delivery abandoned after its timeout may linger on its own thread.
        this.deliveries = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("provisioning-delivery-", 0)
                .factory());
        this.statsReader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("provisioning-outbox-stats").daemon(true).factory());
    }

    public ProvisioningWorkers start() {
        for (Region region : regions) {
            AtomicReference<OutboxStats> latest = new AtomicReference<>();
            stats.put(region, latest);
            gauge(region, latest, "iru.provisioning.outbox.pending", null,
                    "Provisioning outbox records not parked (due, waiting for a retry, or leased)", OutboxStats::pending);
            gauge(region, latest, "iru.provisioning.outbox.parked", null,
                    "Provisioning outbox records parked until someone retries them", OutboxStats::parked);
            gauge(region, latest, "iru.provisioning.outbox.oldest.pending", "seconds",
                    "Age of the oldest pending provisioning outbox record (0 when none)",
                    OutboxStats::oldestPendingSeconds);
        }
        statsReader.scheduleWithFixedDelay(this::readStats, 0, STATS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        for (Region region : regions) {
            for (int i = 0; i < settings.count(); i++) {
                String name = instance + "/" + region.code() + "/" + i;
                loops.submit(() -> loop(region, name));
            }
        }
        LOG.info("provisioning.workers-started", Map.of("regions", regions.stream().map(Region::code).sorted().toList(),
                "per_region", settings.count(), "instance", instance));
        return this;
    }

    private void loop(Region region, String name) {
        while (running) {
            List<OutboxLease> batch;
            try {
                batch = claim(region, name);
            } catch (RuntimeException e) {
                report("provisioning.claim-failed", e);
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (batch.isEmpty()) {
                if (!pause()) {
                    return;
                }
                continue;
            }
            // One directory lookup per tenant per batch, not per task: a batch takes well under a lease.
            Map<TenantId, Optional<TenantLocation>> locations = new HashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                if (!running || !process(region, batch.get(i), locations)) {
                    releaseAll(region, batch.subList(i, batch.size()));
                    return;
                }
            }
        }
    }

    private List<OutboxLease> claim(Region region, String name) {
        Span span = telemetry.tracer().spanBuilder("provisioning.claim").setSpanKind(SpanKind.INTERNAL)
                .setNoParent().setAttribute(REGION, region.code()).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            List<OutboxLease> claimed = router.inRegionTransaction(region, c -> outbox.claim(c, name,
                    settings.batch(), (int) settings.lease().toSeconds()));
            span.setAttribute(CLAIMED, (long) claimed.size());
            return claimed;
        } catch (RuntimeException e) {
            Telemetry.recordFailure(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Delivers one claimed subject and records the outcome; false if the worker was stopped meanwhile. */
    private boolean process(Region region, OutboxLease lease, Map<TenantId, Optional<TenantLocation>> locations) {
        var builder = telemetry.tracer().spanBuilder("provisioning.deliver").setSpanKind(SpanKind.INTERNAL)
                .setNoParent().setAttribute(TENANT, lease.tenant().toString()).setAttribute(CAUSE, lease.cause())
                .setAttribute(ATTEMPT, (long) lease.attempt());
        lease.traceparent().flatMap(ProvisioningWorkers::remoteContext).ifPresent(builder::addLink);
        Span span = builder.startSpan();
        try (Scope ignored = span.makeCurrent()) {
            Optional<TenantLocation> location = locations.get(lease.tenant());
            if (location == null) {
                location = router.inDirectoryTransaction(c -> directory.findById(c, lease.tenant()));
                locations.put(lease.tenant(), location);
            }
            TenantLocation tenant = location.orElse(null);
            DeliveryOutcome outcome;
            if (location.isEmpty()) {
                outcome = new DeliveryOutcome.Rejected("tenant " + lease.tenant() + " is not in the directory");
            } else {
                Future<DeliveryOutcome> call = deliveries.submit(Context.current().wrap(
                        () -> delivery.deliver(tenant, task(lease))));
                try {
                    outcome = call.get(settings.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    call.cancel(true);
                    outcome = new DeliveryOutcome.RetryLater("delivery abandoned after "
                            + settings.deliveryTimeout().toSeconds() + " s", Optional.empty());
                } catch (ExecutionException e) {
                    report("provisioning.delivery-failed", e.getCause());
                    outcome = new DeliveryOutcome.RetryLater("delivery failed: "
                            + e.getCause().getClass().getSimpleName(), Optional.empty());
                } catch (InterruptedException e) {
                    call.cancel(true);
                    span.setAttribute(OUTCOME, "abandoned");
                    count(region, "abandoned");
                    return false;
                }
            }
            String recorded = record(region, lease, outcome);
            span.setAttribute(OUTCOME, recorded);
            count(region, recorded);
            return true;
        } catch (RuntimeException e) {
            Telemetry.recordFailure(span, e);
            if (!running) {
                return false; // interrupted by shutdown mid-statement: its lease is handed back, not an error
            }
            report("provisioning.task-failed", e); // the lease expires and another worker takes the record
            return true;
        } finally {
            span.end();
        }
    }

    private void gauge(Region region, AtomicReference<OutboxStats> latest, String name, String unit,
            String description, ToDoubleFunction<OutboxStats> value) {
        gauges.add(Gauge.builder(name, latest, r -> {
                    OutboxStats read = r.get();
                    return read == null ? Double.NaN : value.applyAsDouble(read);
                })
                .description(description).baseUnit(unit).tag("region", region.code())
                .strongReference(true)
                .register(telemetry.meters()));
    }

    /** Reads every served region's outbox aggregates; a region that fails shows NaN until it reads again. */
    private void readStats() {
        stats.forEach((region, latest) -> {
            try {
                latest.set(router.inRegionTransaction(region, outbox::stats));
            } catch (RuntimeException e) {
                latest.set(null);
                if (running) {
                    report("provisioning.outbox-stats-failed", e);
                }
            }
        });
    }

    private void count(Region region, String outcome) {
        Counter.builder("iru.provisioning.deliveries")
                .description("Delivery attempts by region and outcome (delivered, retry, parked, rejected, abandoned)")
                .tags("region", region.code(), "outcome", outcome)
                .register(telemetry.meters())
                .increment();
    }

    private String record(Region region, OutboxLease lease, DeliveryOutcome outcome) {
        return router.inTransaction(region, lease.tenant().value(), c -> switch (outcome) {
            case DeliveryOutcome.Delivered d -> {
                outbox.complete(c, lease.tenant(), lease.token());
                yield "delivered";
            }
            case DeliveryOutcome.Rejected r -> {
                outbox.park(c, lease.tenant(), lease.token(), lease.attempt(), "rejected: " + r.reason());
                yield "rejected";
            }
            case DeliveryOutcome.RetryLater r when retries.exhausted(lease.attempt()) -> {
                outbox.park(c, lease.tenant(), lease.token(), lease.attempt(), r.reason());
                yield "parked";
            }
            case DeliveryOutcome.RetryLater r -> {
                Duration wait = retries.delay(lease.attempt(), r.notBefore());
                outbox.retryLater(c, lease.tenant(), lease.token(), lease.attempt(), clock.instant().plus(wait),
                        r.reason());
                yield "retry";
            }
        });
    }

    /** Hands leases back so another worker takes them at once; the stop bound, not a failure here, ends shutdown. */
    private void releaseAll(Region region, List<OutboxLease> leases) {
        Thread.interrupted(); // the pool refuses to lend a connection to an interrupted thread
        for (OutboxLease lease : leases) {
            try {
                router.inTransaction(region, lease.tenant().value(), c -> outbox.release(c, lease.tenant(),
                        lease.token()));
            } catch (RuntimeException e) {
                report("provisioning.release-failed", e); // the lease expires by itself
            }
        }
        LOG.info("provisioning.leases-released", Map.of("region", region.code(), "released", leases.size()));
    }

    private boolean pause() {
        try {
            Thread.sleep(settings.pollInterval());
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    static ProvisioningTask task(OutboxLease lease) {
        ProvisioningSubject subject = lease.subjectKind().equals(OutboxEntry.USER)
                ? new ProvisioningSubject.User(lease.subjectId()) : new ProvisioningSubject.Group(lease.subjectId());
        return new ProvisioningTask(lease.sequence(), lease.tenant(), lease.appId(), subject, lease.cause(),
                lease.attempt(), lease.traceparent());
    }

    /** The span context a `traceparent` names, to link a delivery to the request that caused it. */
    static Optional<SpanContext> remoteContext(String traceparent) {
        String[] parts = traceparent.split("-");
        if (parts.length != 4) {
            return Optional.empty();
        }
        SpanContext context = SpanContext.createFromRemoteParent(parts[1], parts[2],
                TraceFlags.fromHex(parts[3], 0), TraceState.getDefault());
        return context.isValid() ? Optional.of(context) : Optional.empty();
    }

    private void report(String event, Throwable e) {
        String correlationId = UUID.randomUUID().toString();
        LOG.warn(event, Map.of("correlation_id", correlationId, "error", e.getClass().getSimpleName()));
        errors.capture(e, correlationId);
    }

    /** Stops claiming, interrupts deliveries in progress, and waits (bounded) for the leases to be handed back. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        statsReader.shutdownNow();
        gauges.forEach(telemetry.meters()::remove);
        loops.shutdownNow();
        boolean stopped = loops.awaitTermination(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        deliveries.shutdownNow();
        LOG.info("provisioning.workers-stopped", Map.of("instance", instance, "within_bound", stopped));
    }

    @Override
    public String toString() {
        return "provisioning-workers " + instance;
    }
}
