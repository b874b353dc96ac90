package iru.foundation.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How long rotated-away and fetched secrets stay usable.
 *
 * @param previousGrace   how long after a new version became current the previous one is still accepted (plus
 *                        while a rotation is in progress); afterwards a leaked old value is refused
 * @param cacheTimeToLive how long the admin-token check keeps a fetched secret; zero = fetch on every request
 */
public record SecretsPolicy(Duration previousGrace, Duration cacheTimeToLive) {
    public SecretsPolicy {
        Objects.requireNonNull(previousGrace, "previousGrace");
        Objects.requireNonNull(cacheTimeToLive, "cacheTimeToLive");
        if (previousGrace.isNegative() || cacheTimeToLive.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }
}
