package iru.foundation.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import iru.foundation.errors.ErrorScrubber;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object per line on standard output, carrying the trace, tenant and region of the work when they are
 * known. Written directly rather than through java.util.logging so that the shutdown sequence can still log after the
 * JDK's LogManager has reset its handlers in its own shutdown hook.
 */
public final class StructuredLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LineOutput OUT = LineOutput.handedOff(System.out, "iru-log-writer");

    private final String logger;
    private final LineOutput out;

    private StructuredLog(String logger, LineOutput out) {
        this.logger = logger;
        this.out = out;
    }

    public static StructuredLog of(Class<?> owner) {
        return new StructuredLog(owner.getName(), OUT);
    }

    /** A log writing to `out` instead of standard output, so a test can read exactly what would be written. */
    public static StructuredLog of(Class<?> owner, PrintStream out) {
        return new StructuredLog(owner.getName(), LineOutput.direct(out));
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

    private static void write(LineOutput out, String level, String logger, String event, Map<String, ?> fields,
            Throwable error) {
        // Written member by member rather than through a map and an ObjectMapper: this runs once per request (the
        // access line), and the map, its serializers and their lookups were most of the line's cost.
        // Each name once: a field of the same name replaces a standard member, and an error member a field.
        StringBuilder line = new StringBuilder(256).append('{');
        standard(line, fields, "ts", Instant.now().toString());
        standard(line, fields, "level", level);
        standard(line, fields, "logger", logger);
        standard(line, fields, "event", event);
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            standard(line, fields, "trace_id", span.getTraceId());
            standard(line, fields, "span_id", span.getSpanId());
        }
        if (LogContext.TENANT_ID.isBound()) {
            standard(line, fields, "tenant_id", LogContext.TENANT_ID.get());
        }
        if (LogContext.REGION.isBound()) {
            standard(line, fields, "region", LogContext.REGION.get());
        }
        // Every text is scrubbed: library messages (Hibernate's SQL warnings) and error fields quote row values.
        for (Map.Entry<String, ?> field : fields.entrySet()) {
            if (error != null && ERROR_MEMBERS.contains(field.getKey())) {
                continue;
            }
            Object value = field.getValue();
            member(line, field.getKey(), value instanceof String text ? ErrorScrubber.scrub(text) : value);
        }
        if (error != null) {
            member(line, "error", ErrorScrubber.describe(error));
            ErrorScrubber.sqlState(error).ifPresent(state -> member(line, "sql_state", state));
            ErrorScrubber.constraint(error).ifPresent(constraint -> member(line, "constraint", constraint));
            member(line, "stack", ErrorScrubber.stackTrace(error));
        }
        out.write(line.append('}').toString());
    }

    private static final Set<String> ERROR_MEMBERS = Set.of("error", "sql_state", "constraint", "stack");

    private static void standard(StringBuilder line, Map<String, ?> fields, String name, String value) {
        if (!fields.containsKey(name)) {
            member(line, name, value);
        }
    }

    /** Appends `"name":value` (after a comma unless it is the first member). */
    private static void member(StringBuilder line, String name, Object value) {
        if (line.length() > 1) {
            line.append(',');
        }
        quote(line, name);
        line.append(':');
        switch (value) {
            case null -> line.append("null");
            case String text -> quote(line, text);
            case Integer _, Long _, Short _, Byte _, Boolean _ -> line.append(value);
            default -> line.append(json(value));
        }
    }

    private static void quote(StringBuilder line, String text) {
        line.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, line);
        line.append('"');
    }

    /** Any other value (a double, a list, a map) as Jackson writes it; one that cannot be written, as a string. */
    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return "\"[unserializable " + value.getClass().getSimpleName() + "]\"";
        }
    }
}
