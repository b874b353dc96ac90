package iru.launcher;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A trace of our own for one test request: sent as a sampled W3C `traceparent`, which the plane continues
 * (parent-based sampling), so the SQL that request caused can be told apart from what the provisioning workers and
 * other background work run at the same time.
 */
record RequestTrace(String traceId) {
    private static final SecureRandom RANDOM = new SecureRandom();

    static RequestTrace start() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new RequestTrace(HexFormat.of().formatHex(id));
    }

    /** The header pair to pass to {@link TestDeployment.Plane#as}. */
    String[] header() {
        byte[] parent = new byte[8];
        RANDOM.nextBytes(parent);
        return new String[] {"traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(parent) + "-01"};
    }

    /** The SQL (client) spans of this trace that `plane` finished, after a moment for the last ones to end. */
    List<SpanData> sqlSpans(TestDeployment.Plane plane) throws InterruptedException {
        Thread.sleep(100);
        return plane.spans().getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT && s.getTraceId().equals(traceId))
                .toList();
    }
}
