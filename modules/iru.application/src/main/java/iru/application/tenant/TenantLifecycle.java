package iru.application.tenant;

import iru.application.signing.SigningKeys;
import iru.domain.tenant.IdempotencyKeyReusedException;
import iru.domain.tenant.Tenant;
import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.domain.tenant.TenantLocation;
import iru.domain.tenant.TenantNotFoundException;
import iru.domain.tenant.TenantRecords;
import iru.domain.tenant.TenantStatus;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.telemetry.Telemetry;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Control-plane use cases for the tenant lifecycle. Creation spans the directory and the tenant's region without a
 * distributed transaction: reserve in the directory (`provisioning`, not routable), write the regional record, then
 * activate. A failure in between releases the reservation; a crash in between is completed by retrying with the same
 * Idempotency-Key. Either way no routable tenant lacks its record.
 */
public final class TenantLifecycle {
    public static final int MAX_PAGE = 200;

    private final TenantRegionRouter router;
    private final TenantDirectory directory;
    private final TenantRecords records;
    private final Telemetry telemetry;
    private final SigningKeys signingKeys;

    public TenantLifecycle(TenantRegionRouter router, TenantDirectory directory, TenantRecords records,
            Telemetry telemetry, SigningKeys signingKeys) {
        this.router = router;
        this.directory = directory;
        this.records = records;
        this.telemetry = telemetry;
        this.signingKeys = signingKeys;
    }

    public TenantCreation create(CreateTenant request, Optional<String> idempotencyKey) {
        return telemetry.inUseCase("CreateTenant", () -> {
            if (!router.serves(request.region())) {
                throw new RegionUnavailableException(request.region().code());
            }
            byte[] fingerprint = request.fingerprint();
            Tenant planned = new Tenant(TenantId.random(), request.slug(), request.name(), request.region(),
                    TenantStatus.active, Instant.now().truncatedTo(ChronoUnit.MICROS));
            Optional<TenantId> earlier = router.inDirectoryTransaction(c -> {
                if (idempotencyKey.isPresent()) {
                    var seen = directory.findCreationRequest(c, idempotencyKey.get());
                    if (seen.isPresent()) {
                        if (!MessageDigest.isEqual(seen.get().fingerprint(), fingerprint)) {
                            throw new IdempotencyKeyReusedException();
                        }
                        return Optional.of(seen.get().tenantId());
                    }
                }
                directory.reserve(c, planned.id(), planned.slug(), planned.region());
                if (idempotencyKey.isPresent()) {
                    directory.recordCreationRequest(c, idempotencyKey.get(), fingerprint, planned.id());
                }
                return Optional.empty();
            });
            if (earlier.isPresent()) {
                return new TenantCreation(complete(earlier.get(), planned), true);
            }
            try {
                return new TenantCreation(complete(planned.id(), planned), false);
            } catch (RuntimeException e) {
                try {
                    router.inDirectoryTransaction(c -> {
                        directory.release(c, planned.id());
                        return null;
                    });
                } catch (RuntimeException releaseFailure) {
                    // The creation's failure is the one to report; the failed release rides along with it, and the
                    // reconciliation worker releases the reservation later.
                    e.addSuppressed(releaseFailure);
                }
                throw e;
            }
        });
    }

    /** Writes the regional record if missing and activates the directory entry; safe to repeat. */
    private Tenant complete(TenantId id, Tenant planned) {
        TenantLocation location = router.inDirectoryTransaction(c -> directory.findById(c, id))
                .orElseThrow(() -> new TenantNotFoundException(id.toString()));
        if (location.status() == TenantStatus.deleted) {
            throw new TenantNotFoundException(id + " (deleted)");
        }
        Tenant record = new Tenant(id, location.slug(), planned.name(), location.region(), TenantStatus.active,
                planned.createdAt());
        Tenant stored = router.inTransaction(location.region(), id.value(), c -> {
            Tenant inserted = records.insertIfAbsent(c, record);
            signingKeys.ensureActiveKey(c, id); // routable only once it can sign tokens
            return inserted;
        });
        router.inDirectoryTransaction(c -> {
            directory.activate(c, id);
            return null;
        });
        return stored;
    }

    public Tenant get(TenantId id) {
        return telemetry.inUseCase("GetTenant", () -> {
            TenantLocation location = liveLocation(id);
            return router.inTransaction(location.region(), id.value(), c -> records.find(c, id))
                    .orElseThrow(() -> new TenantNotFoundException(id.toString()));
        });
    }

    public TenantPage list(Optional<TenantId> after, int limit) {
        return telemetry.inUseCase("ListTenants", () -> {
            int size = Math.clamp(limit, 1, MAX_PAGE);
            List<TenantLocation> rows = router.inDirectoryTransaction(c -> directory.pageOfLive(c, after, size + 1));
            List<TenantLocation> page = rows.subList(0, Math.min(size, rows.size()));
            Map<TenantId, String> names = new HashMap<>();
            for (TenantLocation location : page) {
                if (router.serves(location.region())) {
                    router.inTransaction(location.region(), location.id().value(), c -> records.find(c, location.id()))
                            .ifPresent(t -> names.put(t.id(), t.name()));
                }
            }
            Optional<TenantId> next = rows.size() > size ? Optional.of(page.getLast().id()) : Optional.empty();
            return new TenantPage(page, names, next);
        });
    }

    /**
     * Removes the tenant's live data from its region (the journals keep the record of it, including the deletions)
     * and tombstones the directory entry, announcing the change so tenant planes drop their cached route.
     */
    public void delete(TenantId id) {
        telemetry.inUseCase("DeleteTenant", () -> {
            TenantLocation location = liveLocation(id);
            router.inTransaction(location.region(), id.value(), c -> records.delete(c, id));
            router.inDirectoryTransaction(c -> {
                directory.tombstone(c, location);
                return null;
            });
            return null;
        });
    }

    /**
     * Suspends a live tenant: tenant planes answer every request for it with 403 tenant-suspended, at once through
     * the directory's change notification. The directory changes first, so a failure before the regional record
     * changes leaves the tenant refused (fail closed) and a retry completes it. Suspending again is allowed: it
     * changes nothing but the recorded reason.
     */
    public Tenant suspend(TenantId id, String reason) {
        String why = Tenant.requireStatusReason(reason);
        return telemetry.inUseCase("SuspendTenant", () -> {
            TenantLocation location = liveLocation(id);
            changeRoutingStatus(location, TenantStatus.suspended);
            return recordStatus(location, TenantStatus.suspended, why);
        });
    }

    /**
     * Resumes a suspended tenant (a no-op for an active one). The regional record changes first and routing last,
     * so a failure in between leaves the tenant still refused and a retry completes it.
     */
    public Tenant resume(TenantId id, String reason) {
        String why = Tenant.requireStatusReason(reason);
        return telemetry.inUseCase("ResumeTenant", () -> {
            TenantLocation location = liveLocation(id);
            if (location.status() == TenantStatus.active) {
                return router.inTransaction(location.region(), id.value(), c -> records.find(c, id))
                        .orElseThrow(() -> new TenantNotFoundException(id.toString()));
            }
            Tenant resumed = recordStatus(location, TenantStatus.active, why);
            changeRoutingStatus(location, TenantStatus.active);
            return resumed;
        });
    }

    private void changeRoutingStatus(TenantLocation location, TenantStatus status) {
        router.inDirectoryTransaction(c -> {
            directory.changeStatus(c, location, status);
            return null;
        });
    }

    private Tenant recordStatus(TenantLocation location, TenantStatus status, String reason) {
        return router.inTransaction(location.region(), location.id().value(),
                c -> records.changeStatus(c, location.id(), status, reason));
    }

    /**
     * Finishes what a crash between the two databases left behind: a creation still `provisioning` after
     * `olderThan` is activated if its regional record exists, and released otherwise (so its slug is free again).
     * Only tenants of regions this deployment serves are touched; each region's control plane finishes its own.
     */
    public ReconciliationResult reconcileStaleCreations(java.time.Duration olderThan) {
        return telemetry.inUseCase("ReconcileTenantCreations", () -> router.inDirectoryTransaction(c -> {
            int activated = 0;
            int released = 0;
            for (TenantLocation stale : directory.staleProvisioning(c, olderThan, 100)) {
                if (!router.serves(stale.region())) {
                    continue;
                }
                boolean recorded = router.inTransaction(stale.region(), stale.id().value(),
                        rc -> records.find(rc, stale.id())).isPresent();
                if (recorded) {
                    directory.activate(c, stale.id());
                    activated++;
                } else {
                    directory.release(c, stale.id());
                    released++;
                }
            }
            return new ReconciliationResult(activated, released);
        }));
    }

    /** What one reconciliation round did. */
    public record ReconciliationResult(int activated, int released) {
    }

    /** The directory entry of a tenant that is active or suspended; anything else is not found. */
    private TenantLocation liveLocation(TenantId id) {
        return liveLocation(router, directory, id);
    }

    static TenantLocation liveLocation(TenantRegionRouter router, TenantDirectory directory, TenantId id) {
        return router.inDirectoryTransaction(c -> directory.findById(c, id))
                .filter(l -> l.status() == TenantStatus.active || l.status() == TenantStatus.suspended)
                .orElseThrow(() -> new TenantNotFoundException(id.toString()));
    }
}
