package iru.foundation.workers;

import iru.foundation.logging.StructuredLog;
import java.time.Duration;
import java.util.Map;

/**
 * A background loop that runs one round of work every `interval` on a virtual thread until closed. A failed round
 * is logged and the next round runs as planned; closing interrupts the wait and waits (bounded) for a round in
 * progress, so the ordered shutdown can stop workers before it closes the pools they use.
 */
public final class PeriodicWorker implements AutoCloseable {
    private static final StructuredLog LOG = StructuredLog.of(PeriodicWorker.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final Thread thread;
    private volatile boolean running = true;

    public PeriodicWorker(String name, Duration interval, Runnable round) {
        this.name = name;
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> {
            while (running) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    round.run();
                } catch (RuntimeException e) {
                    LOG.warn("worker.round-failed", Map.of("worker", name, "error", String.valueOf(e.getMessage())));
                }
            }
        });
    }

    public PeriodicWorker start() {
        thread.start();
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(STOP_WAIT);
    }

    @Override
    public String toString() {
        return name;
    }
}
