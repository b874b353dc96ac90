package iru.foundation.errors;

import io.sentry.Sentry;
import iru.foundation.logging.StructuredLog;
import java.util.Map;

/** Sends captured errors to Sentry with the configured sample rate, tagged with the request's correlation id. */
public final class SentryErrorReporter implements ErrorReporter {
    private static final StructuredLog LOG = StructuredLog.of(SentryErrorReporter.class);
    private static final long FLUSH_TIMEOUT_MILLIS = 2_000;

    public SentryErrorReporter(String dsn, double sampleRate, String serviceName) {
        Sentry.init(options -> {
            options.setDsn(dsn);
            options.setSampleRate(sampleRate);
            options.setServerName(serviceName);
            options.setEnableShutdownHook(false); // our ordered shutdown flushes it
        });
    }

    @Override
    public void capture(Throwable error, String correlationId) {
        LOG.error("error.captured", Map.of("correlation_id", correlationId, "sink", "sentry"), error);
        Sentry.withScope(scope -> {
            scope.setTag("correlation_id", correlationId);
            Sentry.captureException(error);
        });
    }

    @Override
    public void flush() {
        Sentry.flush(FLUSH_TIMEOUT_MILLIS);
        Sentry.close();
    }

    /** Picks Sentry when a DSN is configured, the JSON log otherwise. */
    public static ErrorReporter forSettings(iru.foundation.config.TelemetrySettings settings) {
        return settings.sentryDsn()
                .<ErrorReporter>map(dsn -> new SentryErrorReporter(dsn, settings.errorSampleRate(), settings.serviceName()))
                .orElseGet(LogErrorReporter::new);
    }
}
