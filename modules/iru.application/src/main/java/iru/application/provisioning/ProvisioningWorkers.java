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
import iru.foundation.workers.ClaimingWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * The provisioning workers: `count` per served region, each claiming a small batch of due subjects across tenants,
 * delivering the batch's subjects at the same time (one lease per subject, so per-subject order holds), and recording
 * the batch's outcomes in one routed transaction per tenant. Everything runs on the workers' own router (own pools)
 * and own threads, so a downstream that hangs holds only these. A delivery is bounded by the delivery timeout. Shutdown
 * is two steps: {@link #stopClaiming} (first, before the plane drains its requests) ends every claim, while the
 * batches already claimed go on; {@link #close} then interrupts the deliveries still in progress, records what was
 * delivered and hands back every other lease the workers hold, so another worker delivers those records.
 *
 * <p>They also publish the outbox's gauges per served region (`iru_provisioning_outbox_pending`, `_parked`,
 * `_oldest_pending_seconds`, label `region` only): one thread reads the aggregates every {@link #STATS_INTERVAL}
 * through `provisioning_outbox_stats`, and a scrape reads only that cached result, never the database. A region
 * whose last read failed (or that was not read yet) shows NaN rather than a stale or invented number.
 */
public final class ProvisioningWorkers implements ClaimingWorker {
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
    private volatile boolean claiming = true;
    /** Claims hold it shared; {@link #stopClaiming} takes it exclusively, so it returns with no claim running. */
    private final ReadWriteLock claims = new ReentrantReadWriteLock();

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
            Optional<List<OutboxLease>> batch;
            try {
                batch = claimUnlessStopped(region, name);
            } catch (RuntimeException e) {
                report("provisioning.claim-failed", e);
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (batch.isEmpty()) {
                return; // stopped claiming: this worker's work is done
            }
            if (batch.get().isEmpty()) {
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (!deliverBatch(region, batch.get())) {
                return;
            }
        }
    }

    /** A claimed batch (maybe empty), or nothing once {@link #stopClaiming} began. */
    private Optional<List<OutboxLease>> claimUnlessStopped(Region region, String name) {
        claims.readLock().lock();
        try {
            return claiming ? Optional.of(claim(region, name)) : Optional.empty();
        } finally {
            claims.readLock().unlock();
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

    /** One claimed subject on its way: its span and its delivery (done at once when there is nothing to call). */
    private record InFlight(OutboxLease lease, Span span, Future<DeliveryOutcome> call) {
    }

    /**
     * Delivers a claimed batch and records the outcomes. The batch's subjects are delivered at the same time: a claim
     * leases each subject once, and its later rows stay unclaimable until this lease ends, so per-subject order holds
     * while the calls for different subjects overlap. Each call is bounded by the delivery timeout (all start
     * together: one deadline). The outcomes are recorded in one transaction per tenant. False if the worker was
     * stopped meanwhile: what was delivered is still recorded (so never sent again), the rest is handed back.
     */
    private boolean deliverBatch(Region region, List<OutboxLease> batch) {
        List<InFlight> flights = start(batch);
        long deadline = System.nanoTime() + settings.deliveryTimeout().toNanos();
        Map<InFlight, DeliveryOutcome> outcomes = new LinkedHashMap<>();
        boolean stopped = false;
        for (InFlight flight : flights) {
            if (stopped) {
                flight.call().cancel(true);
                continue;
            }
            try {
                outcomes.put(flight, flight.call().get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                flight.call().cancel(true);
                outcomes.put(flight, new DeliveryOutcome.RetryLater("delivery abandoned after "
                        + settings.deliveryTimeout().toSeconds() + " s", Optional.empty()));
            } catch (ExecutionException e) {
                report("provisioning.delivery-failed", e.getCause());
                outcomes.put(flight, new DeliveryOutcome.RetryLater("delivery failed: "
                        + e.getCause().getClass().getSimpleName(), Optional.empty()));
            } catch (InterruptedException e) {
                flight.call().cancel(true);
                stopped = true;
            }
        }
        stopped |= !running;
        if (stopped) {
            Thread.interrupted(); // the pool refuses to lend a connection to an interrupted thread
        }
        List<InFlight> unrecorded = recordAll(region, outcomes);
        List<OutboxLease> unfinished = new ArrayList<>();
        for (InFlight flight : flights) {
            if (!outcomes.containsKey(flight)) {
                flight.span().setAttribute(OUTCOME, "abandoned");
                flight.span().end();
                count(region, "abandoned");
                unfinished.add(flight.lease());
            } else if (stopped && unrecorded.contains(flight)) {
                unfinished.add(flight.lease()); // interrupted by shutdown mid-statement: handed back, not left to expire
            }
        }
        if (!unfinished.isEmpty()) {
            releaseAll(region, unfinished);
        }
        return !stopped;
    }

    /**
     * Starts every delivery of the batch, each in its own span linked to the request that caused it. Per tenant, one
     * directory lookup and one {@link ProvisioningDelivery#prepare} for its tasks, not one per task: a batch takes
     * well under a lease.
     */
    private List<InFlight> start(List<OutboxLease> batch) {
        Map<TenantId, List<OutboxLease>> byTenant = new LinkedHashMap<>();
        batch.forEach(lease -> byTenant.computeIfAbsent(lease.tenant(), t -> new ArrayList<>()).add(lease));
        List<InFlight> flights = new ArrayList<>();
        byTenant.forEach((tenant, leases) -> {
            Map<OutboxLease, Span> spans = new LinkedHashMap<>();
            leases.forEach(lease -> spans.put(lease, deliverySpan(lease)));
            BiFunction<OutboxLease, Span, Future<DeliveryOutcome>> calls;
            try {
                calls = prepare(tenant, leases);
            } catch (RuntimeException e) {
                spans.values().forEach(span -> Telemetry.recordFailure(span, e));
                calls = (lease, span) -> CompletableFuture.failedFuture(e);
            }
            for (Map.Entry<OutboxLease, Span> entry : spans.entrySet()) {
                flights.add(new InFlight(entry.getKey(), entry.getValue(),
                        calls.apply(entry.getKey(), entry.getValue())));
            }
        });
        return flights;
    }

    private Span deliverySpan(OutboxLease lease) {
        var builder = telemetry.tracer().spanBuilder("provisioning.deliver").setSpanKind(SpanKind.INTERNAL)
                .setNoParent().setAttribute(TENANT, lease.tenant().toString()).setAttribute(CAUSE, lease.cause())
                .setAttribute(ATTEMPT, (long) lease.attempt());
        lease.traceparent().flatMap(ProvisioningWorkers::remoteContext).ifPresent(builder::addLink);
        return builder.startSpan();
    }

    /**
     * How each of one tenant's leases is delivered: the tenant looked up once and its tasks prepared at once (in a
     * span of its own, as the reads of the whole batch), then each task on its own thread, in its delivery span.
     */
    private BiFunction<OutboxLease, Span, Future<DeliveryOutcome>> prepare(TenantId tenantId,
            List<OutboxLease> leases) {
        Optional<TenantLocation> location = router.inDirectoryTransaction(c -> directory.findById(c, tenantId));
        if (location.isEmpty()) {
            return (lease, span) -> CompletableFuture.completedFuture(new DeliveryOutcome.Rejected("tenant "
                    + tenantId + " is not in the directory"));
        }
        TenantLocation tenant = location.get();
        Span preparing = telemetry.tracer().spanBuilder("provisioning.prepare").setSpanKind(SpanKind.INTERNAL)
                .setNoParent().setAttribute(TENANT, tenantId.toString()).setAttribute(CLAIMED, (long) leases.size())
                .startSpan();
        ProvisioningDelivery.Batch prepared;
        try (Scope ignored = preparing.makeCurrent()) {
            prepared = delivery.prepare(tenant, leases.stream().map(ProvisioningWorkers::task).toList());
        } catch (RuntimeException e) {
            Telemetry.recordFailure(preparing, e);
            throw e;
        } finally {
            preparing.end();
        }
        return (lease, span) -> deliveries.submit(Context.current().with(span).wrap(
                () -> prepared.deliver(task(lease))));
    }

    /**
     * Records the outcomes, one transaction per tenant: a tenant's results of one batch commit together. Returns the
     * flights whose transaction failed: their leases expire and another worker delivers those records again.
     */
    private List<InFlight> recordAll(Region region, Map<InFlight, DeliveryOutcome> outcomes) {
        Map<TenantId, List<InFlight>> byTenant = new LinkedHashMap<>();
        outcomes.keySet().forEach(f -> byTenant.computeIfAbsent(f.lease().tenant(), t -> new ArrayList<>()).add(f));
        List<InFlight> unrecorded = new ArrayList<>();
        byTenant.forEach((tenant, flights) -> {
            // The statements' own span: each delivery's span has ended its call by now, and belongs to one task only.
            Span recording = telemetry.tracer().spanBuilder("provisioning.record").setSpanKind(SpanKind.INTERNAL)
                    .setNoParent().setAttribute(TENANT, tenant.toString()).setAttribute(CLAIMED, (long) flights.size())
                    .startSpan();
            try (Scope ignored = recording.makeCurrent()) {
                List<String> recorded = router.inTransaction(region, tenant.value(), c -> {
                    List<String> names = new ArrayList<>();
                    List<UUID> completed = new ArrayList<>();
                    for (InFlight flight : flights) {
                        names.add(record(c, flight.lease(), outcomes.get(flight), completed));
                    }
                    outbox.complete(c, tenant, completed); // the common case, in one statement
                    return names;
                });
                for (int i = 0; i < flights.size(); i++) {
                    flights.get(i).span().setAttribute(OUTCOME, recorded.get(i));
                    count(region, recorded.get(i));
                }
            } catch (RuntimeException e) {
                Telemetry.recordFailure(recording, e);
                flights.forEach(f -> Telemetry.recordFailure(f.span(), e));
                unrecorded.addAll(flights);
                if (running) {
                    report("provisioning.task-failed", e);
                }
            } finally {
                recording.end();
                flights.forEach(f -> f.span().end());
            }
        });
        return unrecorded;
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

    /**
     * Records one outcome in the tenant's transaction `c`, except a delivery, whose lease token is added to
     * `completed` for the caller to complete with the others; the name of what was recorded.
     */
    private String record(java.sql.Connection c, OutboxLease lease, DeliveryOutcome outcome, List<UUID> completed)
            throws java.sql.SQLException {
        return switch (outcome) {
            case DeliveryOutcome.Delivered d -> {
                completed.add(lease.token());
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
        };
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

    /**
     * Claims nothing more: waits (bounded) for the claims running now, so that none runs once this returns. The
     * batches already claimed are still delivered and recorded; {@link #close} abandons what is still in flight.
     */
    @Override
    public void stopClaiming() {
        claiming = false;
        boolean quiet;
        try {
            quiet = claims.writeLock().tryLock(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            quiet = false;
        }
        if (quiet) {
            claims.writeLock().unlock();
        }
        LOG.info("provisioning.claiming-stopped", Map.of("instance", instance, "claims_finished", quiet));
    }

    /** Stops claiming, interrupts deliveries in progress, and waits (bounded) for the leases to be handed back. */
    @Override
    public void close() throws InterruptedException {
        claiming = false;
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
