package iru.foundation.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The provisioning workers of the tenant plane (and of `iru workers`).
 *
 * @param enabled         `IRU_WORKERS=off` turns them off (another deployment runs them, or nothing should be sent)
 * @param count           workers per served region; each delivers the subjects of its claimed batch at once
 * @param poolMax         connections of the workers' own pool per database: sign-in never waits behind a delivery
 * @param batch           subjects one claim leases (the calls one worker has in flight); small, so a stopping worker
 *                        hands little back
 * @param lease           how long a claim is exclusive; longer than `deliveryTimeout`, so a live worker keeps it
 * @param deliveryTimeout a delivery still running after this is abandoned (interrupted) and retried later
 * @param maxAttempts     failed deliveries after which a record is parked (a `Rejected` one parks at once)
 * @param backoffBase     the first retry waits up to this long (full jitter), doubling per attempt…
 * @param backoffCap      …up to this
 * @param pollInterval    how long an idle worker waits before it claims again
 * @param stopTimeout     how long shutdown waits for workers to hand their leases back
 */
public record WorkerSettings(boolean enabled, int count, int poolMax, int batch, Duration lease,
        Duration deliveryTimeout, int maxAttempts, Duration backoffBase, Duration backoffCap, Duration pollInterval,
        Duration stopTimeout) {
    public WorkerSettings {
        if (count < 1 || count > 64) {
            throw new IllegalArgumentException("count must be between 1 and 64");
        }
        if (poolMax < 1 || poolMax > 100) {
            throw new IllegalArgumentException("poolMax must be between 1 and 100");
        }
        if (batch < 1 || batch > 100) {
            throw new IllegalArgumentException("batch must be between 1 and 100");
        }
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (lease.compareTo(deliveryTimeout) <= 0) {
            throw new IllegalArgumentException("the lease must outlast the delivery timeout");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffCap, "backoffCap");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
    }
}
