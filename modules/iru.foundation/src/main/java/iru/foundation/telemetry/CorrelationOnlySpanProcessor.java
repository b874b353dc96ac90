package iru.foundation.telemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Keeps spans real when nothing exports them. The SDK hands out no-op spans (with all-zero ids) when no processor
 * is registered, and then log lines could not carry a trace id; this processor exists so that they can.
 */
final class CorrelationOnlySpanProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        // nothing to do: the span's ids are what we need
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // nothing is exported without an OTLP endpoint
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
