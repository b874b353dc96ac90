package iru.foundation.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import iru.foundation.errors.ErrorScrubber;
import java.io.PrintStream;
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
    private final PrintStream out;

    private StructuredLog(String logger, PrintStream out) {
        this.logger = logger;
        this.out = out;
    }

    public static StructuredLog of(Class<?> owner) {
        return new StructuredLog(owner.getName(), OUT);
    }

    /** A log writing to `out` instead of standard output, so a test can read exactly what would be written. */
    public static StructuredLog of(Class<?> owner, PrintStream out) {
        return new StructuredLog(owner.getName(), out);
    }

    public void info(String event, Map<String, ?> fields) {
        write(out, "INFO", logger, event, fields, null);
    }

    public void info(String event) {
        info(event, Map.of());
    }

    public void warn(String event, Map<String, ?> fields) {
        write(out, "WARN", logger, event, fields, null);
    }

    public void error(String event, Map<String, ?> fields, Throwable error) {
        write(out, "ERROR", logger, event, fields, error);
    }

    static void write(String level, String logger, String event, Map<String, ?> fields, Throwable error) {
        write(OUT, level, logger, event, fields, error);
    }

    private static void write(PrintStream out, String level, String logger, String event, Map<String, ?> fields,
            Throwable error) {
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
        // Every text is scrubbed: library messages (Hibernate's SQL warnings) and error fields quote row values.
        fields.forEach((key, value) -> line.put(key, value instanceof String text ? ErrorScrubber.scrub(text) : value));
        if (error != null) {
            line.put("error", ErrorScrubber.describe(error));
            ErrorScrubber.sqlState(error).ifPresent(state -> line.put("sql_state", state));
            ErrorScrubber.constraint(error).ifPresent(constraint -> line.put("constraint", constraint));
            line.put("stack", ErrorScrubber.stackTrace(error));
        }
        String json;
        try {
            json = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            // Still one parseable line, now saying which event was lost and why, instead of dropping both.
            json = "{\"level\":\"ERROR\",\"event\":\"log.unserializable\",\"logger\":\"" + logger
                    + "\",\"lost_event\":\"" + event.replaceAll("[^A-Za-z0-9._-]", "_")
                    + "\",\"error\":\"" + e.getClass().getSimpleName() + "\"}";
        }
        synchronized (out) {
            out.println(json);
            out.flush(); // a pipe is block-buffered; a line that waits in a buffer is lost if the process dies
        }
    }
}
