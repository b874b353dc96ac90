package iru.application.catalog;

import iru.foundation.logging.StructuredLog;
import java.time.Duration;
import java.util.Map;

/**
 * Runs {@link CatalogSync#sync()} on a fixed interval in a background thread (`IRU_CATALOG_SYNC_INTERVAL_SECONDS`),
 * in addition to the on-demand `POST /v1/catalog/sync`. A failed round is logged and retried next round. Several
 * control-plane instances may each run it: a sync is idempotent.
 */
public final class PeriodicCatalogSync implements AutoCloseable {
    private static final StructuredLog LOG = StructuredLog.of(PeriodicCatalogSync.class);

    private final Thread thread;
    private volatile boolean running = true;

    public PeriodicCatalogSync(CatalogSync sync, Duration interval) {
        this.thread = Thread.ofVirtual().name("catalog-sync").unstarted(() -> {
            while (running) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    CatalogSyncResult result = sync.sync();
                    LOG.info("catalog.synced", Map.of("added", result.added(), "updated", result.updated(),
                            "removed", result.removed(), "deprecated", result.deprecated(), "total", result.total()));
                } catch (RuntimeException e) {
                    LOG.warn("catalog.sync-failed", Map.of("error", String.valueOf(e.getMessage())));
                }
            }
        });
    }

    public PeriodicCatalogSync start() {
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
        return "periodic-catalog-sync";
    }
}
