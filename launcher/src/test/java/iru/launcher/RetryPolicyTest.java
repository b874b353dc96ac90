package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.application.provisioning.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter, capped, never before the downstream's own wait; parking after the last. */
class RetryPolicyTest {
    final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10),
            new SplittableRandom(42));

    @Test
    void waitsAreUniformUpToTheDoublingBoundAndNeverAboveTheCap() {
        for (int attempt = 1; attempt <= 64; attempt++) {
            long bound = Math.min(10_000, 100L << Math.min(attempt - 1, 20));
            long longest = 0;
            long shortest = Long.MAX_VALUE;
            for (int i = 0; i < 2000; i++) {
                long wait = policy.delay(attempt, Optional.empty()).toMillis();
                assertTrue(wait >= 0 && wait <= bound, "attempt " + attempt + ": " + wait + " > " + bound);
                longest = Math.max(longest, wait);
                shortest = Math.min(shortest, wait);
            }
            assertTrue(longest > bound * 0.9 && shortest < bound * 0.1,
                    "full jitter spreads over [0, " + bound + "]: " + shortest + ".." + longest);
        }
    }

    @Test
    void theDownstreamsRetryAfterIsAFloor() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(policy.delay(1, Optional.of(Duration.ofSeconds(30))).compareTo(Duration.ofSeconds(30)) >= 0);
        }
        assertEquals(Duration.ofMillis(0), new RetryPolicy(5, Duration.ofMillis(0), Duration.ofSeconds(1),
                new SplittableRandom(1)).delay(3, Optional.of(Duration.ZERO)));
    }

    @Test
    void theLastAllowedAttemptParks() {
        assertFalse(policy.exhausted(4));
        assertTrue(policy.exhausted(5));
    }
}
