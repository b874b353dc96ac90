package iru.interfaces.http;

import java.time.Duration;

/**
 * How many failed authentications each plane accepts before it refuses further attempts with 429, counted per
 * source address and per realm (a tenant on the tenant plane; the whole plane on the control plane). Each count is a
 * token bucket of that many failures, refilled in full once per window.
 *
 * @param failuresPerSource failures one address may make per window: far more than a person mistyping or a client
 *                          retrying a rotated key, far too few to guess a 256-bit secret or to load the database
 * @param failuresPerRealm  failures per tenant per window from all addresses together: bounds the lookups a
 *                          distributed guesser causes in one tenant's region, while staying above what a tenant's own
 *                          misconfigured clients produce (it does lock that tenant's API for the rest of the window
 *                          when exceeded; that is the price of bounding a distributed flood)
 * @param window            the refill period; a refused client is told to retry when its window ends
 * @param maxTrackedKeys    buckets kept at most (addresses plus realms); the least used are forgotten first, so a
 *                          flood of addresses costs bounded memory
 */
public record AuthenticationLimits(int failuresPerSource, int failuresPerRealm, Duration window, int maxTrackedKeys) {
    /** 20 failures per address and 100 per tenant, per minute; 100 000 buckets (tens of MiB at most). */
    public static final AuthenticationLimits DEFAULTS = new AuthenticationLimits(20, 100, Duration.ofMinutes(1), 100_000);

    public AuthenticationLimits {
        if (failuresPerSource < 1 || failuresPerRealm < 1 || maxTrackedKeys < 1) {
            throw new IllegalArgumentException("authentication limits must be positive");
        }
        if (!window.isPositive()) {
            throw new IllegalArgumentException("the counting window must be positive, got " + window);
        }
    }
}
