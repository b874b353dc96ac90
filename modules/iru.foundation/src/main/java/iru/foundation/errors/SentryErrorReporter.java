package iru.foundation.errors;

import io.sentry.Breadcrumb;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
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
            options.setSendDefaultPii(false);
            // The last step before an event leaves: whatever path put text into it, the text is scrubbed here.
            options.setBeforeSend((event, hint) -> scrub(event));
            options.setBeforeBreadcrumb((breadcrumb, hint) -> scrub(breadcrumb));
        });
    }

    @Override
    public void capture(Throwable error, String correlationId) {
        LOG.error("error.captured", Map.of("correlation_id", correlationId, "sink", "sentry"), error);
        Sentry.withScope(scope -> {
            scope.setTag("correlation_id", correlationId);
            ErrorScrubber.sqlState(error).ifPresent(state -> scope.setTag("sql_state", state));
            ErrorScrubber.constraint(error).ifPresent(constraint -> scope.setTag("constraint", constraint));
            Sentry.captureException(error);
        });
    }

    @Override
    public void flush() {
        Sentry.flush(FLUSH_TIMEOUT_MILLIS);
        Sentry.close();
    }

    static SentryEvent scrub(SentryEvent event) {
        if (event.getExceptions() != null) {
            for (SentryException exception : event.getExceptions()) {
                exception.setValue(ErrorScrubber.scrub(exception.getValue()));
            }
        }
        Message message = event.getMessage();
        if (message != null) {
            message.setMessage(ErrorScrubber.scrub(message.getMessage()));
            message.setFormatted(ErrorScrubber.scrub(message.getFormatted()));
            if (message.getParams() != null) {
                message.setParams(message.getParams().stream().map(ErrorScrubber::scrub).toList());
            }
        }
        if (event.getBreadcrumbs() != null) {
            event.getBreadcrumbs().forEach(SentryErrorReporter::scrub);
        }
        if (event.getExtras() != null) {
            event.getExtras().replaceAll((key, value) -> scrubText(value));
        }
        return event;
    }

    private static Breadcrumb scrub(Breadcrumb breadcrumb) {
        breadcrumb.setMessage(ErrorScrubber.scrub(breadcrumb.getMessage()));
        breadcrumb.getData().replaceAll((key, value) -> scrubText(value));
        return breadcrumb;
    }

    private static Object scrubText(Object value) {
        return value instanceof String text ? ErrorScrubber.scrub(text) : value;
    }

    /** Picks Sentry when a DSN is configured, the JSON log otherwise. */
    public static ErrorReporter forSettings(iru.foundation.config.TelemetrySettings settings) {
        return settings.sentryDsn()
                .<ErrorReporter>map(dsn -> new SentryErrorReporter(dsn, settings.errorSampleRate(), settings.serviceName()))
                .orElseGet(LogErrorReporter::new);
    }
}
