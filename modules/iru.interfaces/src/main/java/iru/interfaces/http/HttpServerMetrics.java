package iru.interfaces.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request duration (whose count is the request count) and server errors, by route template, method and status. Tags
 * are bounded by construction: the route is the matched template (never the path, which holds tenant slugs and ids),
 * `unmatched` when no route matched, and a method outside the standard set counts as `_OTHER`.
 */
final class HttpServerMetrics {
    static final String UNMATCHED = "unmatched";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

    private final MeterRegistry meters;

    HttpServerMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** What the meters of one request are found by; bounded like the tags it stands for. */
    private record Key(String method, String route, int status) {
    }

    /** Meters already registered, so a request costs one map lookup rather than building and registering its tags. */
    private final Map<Key, Meters> registered = new ConcurrentHashMap<>();

    private record Meters(Timer duration, Counter errors) {
    }

    void record(String method, String route, int status, long elapsedNanos) {
        Key key = new Key(METHODS.contains(method) ? method : "_OTHER", route == null ? UNMATCHED : route, status);
        Meters found = registered.computeIfAbsent(key, this::register);
        found.duration().record(elapsedNanos, TimeUnit.NANOSECONDS);
        if (found.errors() != null) {
            found.errors().increment();
        }
    }

    private Meters register(Key key) {
        String method = key.method();
        String route = key.route();
        int status = key.status();
        Tags tags = Tags.of("method", method, "route", route, "status", String.valueOf(status),
                "outcome", (status / 100) + "xx");
        Timer duration = Timer.builder("http.server.requests")
                .description("HTTP requests by route template, method and status: count, duration")
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(500_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(meters);
        Counter errors = status < 500 ? null : Counter.builder("http.server.errors")
                .description("HTTP requests answered with a 5xx status, by route template, method and status")
                .tags(tags)
                .register(meters);
        return new Meters(duration, errors);
    }
}
