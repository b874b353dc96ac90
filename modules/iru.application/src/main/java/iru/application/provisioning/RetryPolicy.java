package iru.application.provisioning;

import iru.foundation.config.WorkerSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried again: exponential backoff with full jitter (a uniformly random wait up to
 * `base * 2^(attempt-1)`, capped), so many records failing together do not retry together; never before the
 * downstream's own `Retry-After`. After `maxAttempts` failures the record is parked instead.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap, RandomGenerator random) {
    public static RetryPolicy of(WorkerSettings settings, RandomGenerator random) {
        return new RetryPolicy(settings.maxAttempts(), settings.backoffBase(), settings.backoffCap(), random);
    }

    public boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }

    /** The wait after failed attempt number `attempt` (1-based). */
    public Duration delay(int attempt, Optional<Duration> notBefore) {
        long ceiling = cap.toMillis();
        int doublings = Math.min(attempt - 1, 40);
        long exponential = base.toMillis() > (ceiling >> Math.min(doublings, 62)) ? ceiling
                : Math.min(ceiling, base.toMillis() << doublings);
        Duration jittered = Duration.ofMillis(exponential <= 0 ? 0 : random.nextLong(exponential + 1));
        return notBefore.filter(floor -> floor.compareTo(jittered) > 0).orElse(jittered);
    }
}
