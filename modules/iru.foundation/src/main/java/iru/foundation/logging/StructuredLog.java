package iru.foundation.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line on standard output, carrying the trace, tenant and region of the work when they are
 * known. Written directly rather than through java.util.logging so that the shutdown sequence can still log after the
 * JDK's LogManager has reset its handlers in its own shutdown hook.
 */
public final class StructuredLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream OUT = System.out;

    private final String logger;

    private StructuredLog(String logger) {
        this.logger = logger;
    }

    public static StructuredLog of(Class<?> owner) {
        return new StructuredLog(owner.getName());
    }

    public void info(String event, Map<String, ?> fields) {
        write("INFO", logger, event, fields, null);
    }

    public void info(String event) {
        info(event, Map.of());
    }

    public void warn(String event, Map<String, ?> fields) {
        write("WARN", logger, event, fields, null);
    }

    public void error(String event, Map<String, ?> fields, Throwable error) {
        write("ERROR", logger, event, fields, error);
    }

    static void write(String level, String logger, String event, Map<String, ?> fields, Throwable error) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("level", level);
        line.put("logger", logger);
        line.put("event", event);
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            line.put("trace_id", span.getTraceId());
            line.put("span_id", span.getSpanId());
        }
        if (LogContext.TENANT_ID.isBound()) {
            line.put("tenant_id", LogContext.TENANT_ID.get());
        }
        if (LogContext.REGION.isBound()) {
            line.put("region", LogContext.REGION.get());
        }
        fields.forEach(line::put);
        if (error != null) {
            line.put("error", error.getClass().getName() + ": " + error.getMessage());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line.put("stack", trace.toString());
        }
        String json;
        try {
            json = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            json = "{\"level\":\"ERROR\",\"event\":\"log.unserializable\",\"logger\":\"" + logger + "\"}";
        }
        synchronized (OUT) {
            OUT.println(json);
            OUT.flush(); // a pipe is block-buffered; a line that waits in a buffer is lost if the process dies
        }
    }
}
