package iru.application.tenant;

import iru.foundation.logging.StructuredLog;
import java.time.Duration;
import java.util.Map;

/**
 * The control plane's reconciliation loop for tenant creation: every `interval`, finish creations a crash left
 * `provisioning` for longer than `staleAfter`. Safe on several instances at once (rows are claimed with SKIP LOCKED).
 */
public final class PeriodicTenantReconciliation implements AutoCloseable {
    private static final StructuredLog LOG = StructuredLog.of(PeriodicTenantReconciliation.class);

    private final Thread thread;
    private volatile boolean running = true;

    public PeriodicTenantReconciliation(TenantLifecycle lifecycle, Duration interval, Duration staleAfter) {
        this.thread = Thread.ofVirtual().name("tenant-reconciliation").unstarted(() -> {
            while (running) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    var result = lifecycle.reconcileStaleCreations(staleAfter);
                    if (result.activated() + result.released() > 0) {
                        LOG.info("tenants.reconciled", Map.of("activated", result.activated(),
                                "released", result.released()));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("tenants.reconcile-failed", Map.of("error", String.valueOf(e.getMessage())));
                }
            }
        });
    }

    public PeriodicTenantReconciliation start() {
        thread.start();
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "tenant-reconciliation";
    }
}
