package iru.foundation.config;

import java.util.Optional;

/**
 * Tracing and error capture.
 *
 * @param otlpEndpoint       OTLP/HTTP collector; empty means spans are not exported (but still created and logged)
 * @param serviceName        `service.name` resource attribute, distinguishes the two planes in a trace backend
 * @param sentryDsn          Sentry DSN; empty means captured errors are written to the JSON log instead
 * @param errorSampleRate    fraction of errors sent to Sentry (0..1); sampling keeps cost bounded in an incident
 * @param traceSampleRatio   fraction of traces started here that are recorded (0..1), decided once at the root
 *                           by trace id; a request whose caller sent a W3C `traceparent` follows the caller's
 *                           decision, and every span below a recorded root (use case, SQL) is recorded with it
 */
public record TelemetrySettings(Optional<String> otlpEndpoint, String serviceName, Optional<String> sentryDsn,
        double errorSampleRate, double traceSampleRatio) {
    public TelemetrySettings {
        if (!(errorSampleRate >= 0.0 && errorSampleRate <= 1.0)) {
            throw new IllegalArgumentException("errorSampleRate must be between 0 and 1");
        }
        if (!(traceSampleRatio >= 0.0 && traceSampleRatio <= 1.0)) {
            throw new IllegalArgumentException("traceSampleRatio must be between 0 and 1");
        }
    }

    /** Every trace recorded (tests, benchmarks). */
    public TelemetrySettings(Optional<String> otlpEndpoint, String serviceName, Optional<String> sentryDsn,
            double errorSampleRate) {
        this(otlpEndpoint, serviceName, sentryDsn, errorSampleRate, 1.0);
    }

    public TelemetrySettings withServiceName(String name) {
        return new TelemetrySettings(otlpEndpoint, name, sentryDsn, errorSampleRate, traceSampleRatio);
    }
}
