package iru.interfaces.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import iru.foundation.logging.StructuredLog;
import iru.foundation.telemetry.Telemetry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps every request: admits it unless the server is draining, opens the server span (continuing a caller's W3C
 * trace), records its metrics by route template ({@link HttpServerMetrics}) and writes one access line. Failures are
 * rendered by {@link FailureResponder}, inside this span.
 */
public final class RequestLifecycleFilter implements Filter {
    private static final StructuredLog LOG = StructuredLog.of(RequestLifecycleFilter.class);
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final InFlightRequests inFlight;
    private final HttpServerMetrics metrics;

    public RequestLifecycleFilter(Telemetry telemetry, InFlightRequests inFlight) {
        this.metrics = new HttpServerMetrics(telemetry.meters());
        this.tracer = telemetry.tracer();
        this.propagator = telemetry.openTelemetry().getPropagators().getTextMapPropagator();
        this.inFlight = inFlight;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!inFlight.tryStart()) {
            res.header(HeaderNames.CONNECTION, "close");
            Json.sendProblem(res, Problem.of(ProblemType.SHUTTING_DOWN, "This instance is shutting down; retry."), path);
            return;
        }
        long started = System.nanoTime();
        String method = req.prologue().method().text();
        Context parent = propagator.extract(Context.root(), req.headers(), HeaderGetter.INSTANCE);
        Span span = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, method).setAttribute(URL_PATH, path).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            chain.proceed();
            String route = req.matchingPattern().orElse(null);
            if (route != null) {
                span.setAttribute(HTTP_ROUTE, route);
                span.updateName(method + " " + route);
            }
            int status = res.status().code();
            span.setAttribute(HTTP_STATUS, (long) status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("method", method);
            fields.put("path", path);
            fields.put("route", route == null ? "" : route);
            fields.put("status", status);
            long elapsed = System.nanoTime() - started;
            metrics.record(method, route, status, elapsed);
            fields.put("duration_ms", elapsed / 1_000_000);
            req.context().get(RequestTenant.class).ifPresent(tenant -> {
                fields.put("tenant_id", tenant.tenantId());
                fields.put("region", tenant.region());
            });
            LOG.info("http.request", fields);
        } finally {
            span.end();
            inFlight.finish();
        }
    }

    private enum HeaderGetter implements TextMapGetter<Headers> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Headers headers) {
            return headers.stream().map(h -> h.name()).toList();
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            List<String> values = headers.contains(HeaderNames.create(key))
                    ? headers.get(HeaderNames.create(key)).allValues() : List.of();
            return values.isEmpty() ? null : values.getFirst();
        }
    }
}
