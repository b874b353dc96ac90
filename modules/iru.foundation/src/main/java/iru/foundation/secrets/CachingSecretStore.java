package iru.foundation.secrets;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Keeps each fetched secret for a short time, so a check that runs on every request (the admin token) does not ask
 * the store every time. A rotation takes effect within the time to live; an entry holding a previous value expires
 * no later than that value's acceptance, so the cache never stretches the rotation grace. Failures are not cached.
 * Only for callers that accept that delay: the catalog sync keeps fetching per sync.
 */
public final class CachingSecretStore implements SecretStore {
    /** Far above the few secrets a plane checks per request; bounds memory if names are ever derived from input. */
    private static final int MAX_ENTRIES = 1_000;

    private final SecretStore delegate;
    private final Duration timeToLive;
    private final Clock clock;
    private final Cache<String, SecretVersions> cache;

    public CachingSecretStore(SecretStore delegate, Duration timeToLive, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (timeToLive.isNegative()) {
            throw new IllegalArgumentException("timeToLive must not be negative");
        }
        this.cache = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .ticker(this::nanos)
                .executor(Runnable::run) // maintenance is tiny; on the caller's thread it follows the test's clock
                .expireAfter(Expiry.creating((String name, SecretVersions versions) -> lifetime(versions)))
                .build();
    }

    @Override
    public SecretVersions fetch(String name) {
        return cache.get(name, delegate::fetch);
    }

    /** Writes through and forgets the cached value, so this instance reads its own write at once. */
    @Override
    public void store(String name, Secret value) {
        try {
            delegate.store(name, value);
        } finally {
            cache.invalidate(name);
        }
    }

    private Duration lifetime(SecretVersions versions) {
        return versions.previous()
                .map(p -> Duration.between(clock.instant(), p.acceptedUntil()))
                .filter(untilRefused -> untilRefused.compareTo(timeToLive) < 0)
                .map(untilRefused -> untilRefused.isNegative() ? Duration.ZERO : untilRefused)
                .orElse(timeToLive);
    }

    private long nanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
