package iru.interfaces.http;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts requests in progress so shutdown can stop admitting new ones and wait, bounded, for the rest to finish.
 */
public final class InFlightRequests {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int active;
    private boolean draining;

    /** Admits a request unless draining; the caller must {@link #finish()} exactly once if admitted. */
    public boolean tryStart() {
        lock.lock();
        try {
            if (draining) {
                return false;
            }
            active++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    public void finish() {
        lock.lock();
        try {
            active--;
            if (active == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isDraining() {
        lock.lock();
        try {
            return draining;
        } finally {
            lock.unlock();
        }
    }

    /** Stops admitting requests and waits up to `timeout` for those in progress; returns how many remain. */
    public int drain(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            draining = true;
            long remaining = timeout.toNanos();
            while (active > 0 && remaining > 0) {
                remaining = idle.awaitNanos(remaining);
            }
            return active;
        } finally {
            lock.unlock();
        }
    }
}
