package iru.foundation.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import iru.foundation.config.TelemetrySettings;
import iru.foundation.errors.ErrorScrubber;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * The process's OpenTelemetry SDK. Root spans are always created (so logs carry trace ids); a root decides by its trace
 * id whether the trace is recorded ({@link TelemetrySettings#traceSampleRatio}) and everything below follows it, so a
 * recorded trace is whole (HTTP, use case, SQL) and an unrecorded one costs no span bookkeeping. Recorded spans leave
 * the process only when an OTLP endpoint is configured, or to the extra exporters a test hands in. Metrics live in a
 * Micrometer Prometheus registry and are read only when scraped ({@link #scrapePrometheus}): nothing is pushed.
 */
public final class Telemetry {
    private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    private static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");
    private static final AttributeKey<String> USE_CASE = AttributeKey.stringKey("iru.use_case");

    /** Content type of {@link #scrapePrometheus}: the Prometheus text exposition format 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private Telemetry(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk.getTracer("iru");
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        gc.bindTo(meters);
    }

    public static Telemetry create(TelemetrySettings settings, List<SpanExporter> extraExporters) {
        SdkTracerProviderBuilder provider = SdkTracerProvider.builder()
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.traceSampleRatio())))
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName()))));
        settings.otlpEndpoint().ifPresent(endpoint -> provider.addSpanProcessor(
                BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces")
                        .build()).build()));
        extraExporters.forEach(exporter -> provider.addSpanProcessor(SimpleSpanProcessor.create(exporter)));
        if (settings.otlpEndpoint().isEmpty() && extraExporters.isEmpty()) {
            provider.addSpanProcessor(new CorrelationOnlySpanProcessor());
        }
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(provider.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        return new Telemetry(sdk);
    }

    public OpenTelemetry openTelemetry() {
        return sdk;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The process's meters. Tags must be low-cardinality: never a tenant, user or client id. */
    public MeterRegistry meters() {
        return meters;
    }

    /** Every metric now, in the Prometheus text format ({@link #PROMETHEUS_CONTENT_TYPE}). */
    public byte[] scrapePrometheus() {
        return meters.scrape().getBytes(StandardCharsets.UTF_8);
    }

    /** Runs one application use case inside an internal span named after it, when its trace is recorded. */
    public <T> T inUseCase(String name, Supplier<T> work) {
        SpanContext parent = Span.current().getSpanContext();
        if (parent.isValid() && !parent.isSampled()) {
            // The trace is not recorded and a child follows its parent's decision: a span here would cost its id and
            // attributes on every request and record nothing. Log lines keep the parent's trace id.
            return work.get();
        }
        Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).setAttribute(USE_CASE, name).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            recordFailure(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Marks the span failed and records the exception with its message and stack scrubbed of row values: span events
     * leave the process like error reports do, so they carry no personal data either.
     */
    public static void recordFailure(Span span, Throwable failure) {
        span.recordException(failure, Attributes.of(
                EXCEPTION_MESSAGE, ErrorScrubber.scrub(String.valueOf(failure.getMessage())),
                EXCEPTION_STACKTRACE, ErrorScrubber.stackTrace(failure)));
        span.setStatus(StatusCode.ERROR);
    }

    /** Exports what is buffered and stops; bounded so a dead collector cannot hold up shutdown. */
    public void shutdown() {
        gc.close();
        meters.close();
        sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
        sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
}
