package iru.foundation.errors;

import iru.foundation.logging.StructuredLog;
import java.util.Map;

/**
 * Used when no Sentry DSN is configured: every captured error becomes one JSON log line, its messages and stack
 * scrubbed of row values by {@link StructuredLog}.
 */
public final class LogErrorReporter implements ErrorReporter {
    private final StructuredLog log;

    public LogErrorReporter() {
        this(StructuredLog.of(LogErrorReporter.class));
    }

    public LogErrorReporter(StructuredLog log) {
        this.log = log;
    }

    @Override
    public void capture(Throwable error, String correlationId) {
        log.error("error.captured", Map.of("correlation_id", correlationId), error);
    }

    @Override
    public void flush() {
        System.out.flush();
    }
}
