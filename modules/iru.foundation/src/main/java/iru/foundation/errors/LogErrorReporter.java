package iru.foundation.errors;

import iru.foundation.logging.StructuredLog;
import java.util.Map;

/** Used when no Sentry DSN is configured: every captured error becomes one JSON log line. */
public final class LogErrorReporter implements ErrorReporter {
    private static final StructuredLog LOG = StructuredLog.of(LogErrorReporter.class);

    @Override
    public void capture(Throwable error, String correlationId) {
        LOG.error("error.captured", Map.of("correlation_id", correlationId), error);
    }

    @Override
    public void flush() {
        System.out.flush();
    }
}
