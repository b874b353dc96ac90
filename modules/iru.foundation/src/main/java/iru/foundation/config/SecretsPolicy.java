package iru.foundation.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How long rotated-away and fetched secrets stay usable.
 *
 * @param previousGrace   how long after a new version became current the previous one is still accepted (plus
 *                        while a rotation is in progress); afterwards a leaked old value is refused
 * @param cacheTimeToLive how long the admin-token check keeps a fetched secret; zero = fetch on every request
 * @param kekRewrapInterval how often the control plane re-wraps signing keys sealed under a rotated-away
 *                        `signing-kek` (default 5 min: well within the default hour of grace, and a pass that finds
 *                        nothing to do costs one indexed query per tenant)
 */
public record SecretsPolicy(Duration previousGrace, Duration cacheTimeToLive, Duration kekRewrapInterval) {
    public SecretsPolicy {
        Objects.requireNonNull(previousGrace, "previousGrace");
        Objects.requireNonNull(cacheTimeToLive, "cacheTimeToLive");
        Objects.requireNonNull(kekRewrapInterval, "kekRewrapInterval");
        if (previousGrace.isNegative() || cacheTimeToLive.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (!kekRewrapInterval.isPositive()) {
            throw new IllegalArgumentException("the KEK re-wrap interval must be positive");
        }
        if (previousGrace.isPositive() && kekRewrapInterval.compareTo(previousGrace) >= 0) {
            throw new IllegalArgumentException("IRU_SIGNING_KEK_REWRAP_SECONDS must be shorter than"
                    + " IRU_SECRETS_PREVIOUS_GRACE_SECONDS, or keys sealed under a rotated-away KEK stop opening");
        }
    }
}
