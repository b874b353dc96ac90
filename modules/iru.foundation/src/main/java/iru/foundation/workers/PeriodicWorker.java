package iru.foundation.workers;

import iru.foundation.errors.ErrorReporter;
import iru.foundation.logging.StructuredLog;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A background loop that runs one round of work every `interval` on a virtual thread until closed. A failed round
 * reaches the error reporter with its stack and the next round runs as planned; closing interrupts the wait and
 * waits (bounded) for a round in
 * progress, so the ordered shutdown can stop workers before it closes the pools they use.
 */
public final class PeriodicWorker implements AutoCloseable {
    private static final StructuredLog LOG = StructuredLog.of(PeriodicWorker.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final Thread thread;
    private volatile boolean running = true;

    public PeriodicWorker(String name, Duration interval, Runnable round, ErrorReporter errors) {
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
                } catch (RuntimeException | Error e) {
                    String correlationId = UUID.randomUUID().toString();
                    LOG.warn("worker.round-failed", Map.of("worker", name, "correlation_id", correlationId));
                    errors.capture(e, correlationId);
                    if (e instanceof VirtualMachineError fatal) {
                        throw fatal; // reported; a JVM out of memory is not a round to retry
                    }
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
