package iru.testkit.scim;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The faults a {@link LoopbackScimServer} injects, drawn per call: a wait (a hang of fixed length, then a random delay)
 * and then possibly a failure answered instead of the real response (the next N calls, a random share with a status, or
 * a random share of 429s with `Retry-After`). {@link #clear()} ends every fault and releases calls that are hanging.
 */
final class ScimFaults {
    /** A response the server sends instead of serving the call. */
    record Injected(int status, Duration retryAfter) {
    }

    private final Random random;
    private double failureRate; // all guarded by this
    private int failureStatus = 503;
    private double throttleRate;
    private Duration retryAfter = Duration.ZERO;
    private int failNext;
    private int failNextStatus = 503;
    private Duration minDelay = Duration.ZERO;
    private Duration maxDelay = Duration.ZERO;
    private Duration hang = Duration.ZERO;
    private CountDownLatch released = new CountDownLatch(1);

    ScimFaults(long seed) {
        this.random = new Random(seed);
    }

    synchronized void failRandomly(double rate, int status) {
        failureRate = rate(rate);
        failureStatus = status(status);
    }

    synchronized void throttleRandomly(double rate, Duration retryAfter) {
        throttleRate = rate(rate);
        this.retryAfter = nonNegative(retryAfter);
    }

    synchronized void failNext(int calls, int status) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls must be >= 0");
        }
        failNext = calls;
        failNextStatus = status(status);
    }

    synchronized void delayRandomly(Duration min, Duration max) {
        if (nonNegative(min).compareTo(nonNegative(max)) > 0) {
            throw new IllegalArgumentException("min delay " + min + " exceeds max " + max);
        }
        minDelay = min;
        maxDelay = max;
    }

    synchronized void hang(Duration perCall) {
        hang = nonNegative(perCall);
    }

    synchronized void reseed(long seed) {
        random.setSeed(seed);
    }

    /** Ends every fault; calls hanging now return at once and are served. */
    synchronized void clear() {
        failureRate = 0;
        throttleRate = 0;
        failNext = 0;
        minDelay = Duration.ZERO;
        maxDelay = Duration.ZERO;
        hang = Duration.ZERO;
        released.countDown();
        released = new CountDownLatch(1);
    }

    /** Holds the calling thread for the hang and a delay drawn from the range; {@link #clear()} cuts the hang short. */
    void holdCall() throws InterruptedException {
        Duration hangFor;
        long delayNanos;
        CountDownLatch release;
        synchronized (this) {
            hangFor = hang;
            long span = maxDelay.toNanos() - minDelay.toNanos();
            delayNanos = minDelay.toNanos() + (span > 0 ? random.nextLong(span + 1) : 0);
            release = released;
        }
        if (hangFor.isPositive() && release.await(hangFor.toNanos(), TimeUnit.NANOSECONDS)) {
            return;
        }
        if (delayNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
        }
    }

    /** The failure to answer this call with, if one is drawn. */
    synchronized Optional<Injected> draw() {
        if (failNext > 0) {
            failNext--;
            return Optional.of(new Injected(failNextStatus, null));
        }
        if (failureRate > 0 && random.nextDouble() < failureRate) {
            return Optional.of(new Injected(failureStatus, null));
        }
        if (throttleRate > 0 && random.nextDouble() < throttleRate) {
            return Optional.of(new Injected(429, retryAfter));
        }
        return Optional.empty();
    }

    private static double rate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate must be within [0, 1]: " + rate);
        }
        return rate;
    }

    private static int status(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an injected failure is a 4xx or 5xx status: " + status);
        }
        return status;
    }

    private static Duration nonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        return d;
    }
}
