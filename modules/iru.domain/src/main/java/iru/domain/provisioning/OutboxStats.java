package iru.domain.provisioning;

/**
 * Aggregates of a region's provisioning outbox, across tenants: no tenant, subject or error in it.
 *
 * @param pending              records not parked (due, waiting for a retry, or leased)
 * @param parked               records parked until someone retries them
 * @param oldestPendingSeconds age of the oldest pending record, 0 when none is pending
 */
public record OutboxStats(long pending, long parked, double oldestPendingSeconds) {
    public static final OutboxStats NONE = new OutboxStats(0, 0, 0);
}
