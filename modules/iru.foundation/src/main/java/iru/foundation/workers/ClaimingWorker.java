package iru.foundation.workers;

/**
 * A background worker that takes work from a queue shared with other instances. Shutdown tells it to stop taking work
 * first, before it drains the requests in flight, so the work it would have claimed meanwhile goes at once to an
 * instance that keeps running; what it already holds it finishes while the plane drains, and {@link #close} then
 * abandons whatever is still running and hands it back.
 */
public interface ClaimingWorker extends AutoCloseable {
    /**
     * Takes no more work: when this returns, no claim is running and none will start. Work already claimed goes on
     * until {@link #close}. Safe to call more than once.
     */
    void stopClaiming();
}
