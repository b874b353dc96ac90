package iru.interfaces.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import iru.foundation.logging.StructuredLog;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds the work unauthenticated callers can cause: each authentication attempt reserves one token from the
 * caller's source address and one from the realm (tenant) it targets, before any credential is looked up; a success
 * gives them back, a failure keeps them. When either bucket is empty, attempts are refused with 429 and
 * `Retry-After` without touching the secret store or any database. Buckets (Bucket4j) hold
 * {@link AuthenticationLimits#failuresPerSource} and {@link AuthenticationLimits#failuresPerRealm} tokens and refill
 * all of them once per window (not gradually), so a client that keeps failing gets that many attempts per window
 * and then waits for the window to end.
 *
 * Buckets are per instance (each instance of a plane holds its own). The source is the TCP peer: behind a proxy
 * that is the proxy, so per-source limits then apply to all its clients together.
 */
public final class FailedAuthentications {
    private static final StructuredLog LOG = StructuredLog.of(FailedAuthentications.class);

    private final AuthenticationLimits limits;
    private final Cache<String, Bucket> buckets;

    /** What {@link #admit} decided. */
    public sealed interface Admission permits Admitted, Refused {
    }

    /** The attempt may proceed; call {@link #succeeded()} if it authenticates, so it is not counted. */
    public static final class Admitted implements Admission {
        private final Bucket source;
        private final Bucket realm;

        private Admitted(Bucket source, Bucket realm) {
            this.source = source;
            this.realm = realm;
        }

        public void succeeded() {
            source.addTokens(1);
            realm.addTokens(1);
        }
    }

    /** Too many failures; the caller may try again after `retryAfter`. */
    public record Refused(Duration retryAfter) implements Admission {
    }

    public FailedAuthentications(AuthenticationLimits limits) {
        this.limits = limits;
        // A bucket left alone for a whole window is full again, so forgetting it then loses nothing.
        this.buckets = Caffeine.newBuilder()
                .maximumSize(limits.maxTrackedKeys())
                .expireAfterAccess(limits.window())
                .build();
    }

    /** Reserves one failure from `source` and `realm`, or refuses if either has none left. */
    public Admission admit(String source, String realm) {
        Bucket bySource = bucket("source:" + source, limits.failuresPerSource());
        ConsumptionProbe sourceProbe = bySource.tryConsumeAndReturnRemaining(1);
        if (!sourceProbe.isConsumed()) {
            return new Refused(Duration.ofNanos(sourceProbe.getNanosToWaitForRefill()));
        }
        Bucket byRealm = bucket("realm:" + realm, limits.failuresPerRealm());
        ConsumptionProbe realmProbe = byRealm.tryConsumeAndReturnRemaining(1);
        if (!realmProbe.isConsumed()) {
            bySource.addTokens(1);
            return new Refused(Duration.ofNanos(realmProbe.getNanosToWaitForRefill()));
        }
        return new Admitted(bySource, byRealm);
    }

    /**
     * Admits an attempt on `realm` from the request's source address, or answers 429 with `Retry-After` (whole
     * seconds, at least one) and returns empty. The refusal is logged, never with a credential.
     */
    public Optional<Admitted> admitOrRefuse(RoutingRequest req, RoutingResponse res, String realm) {
        String source = sourceOf(req);
        return switch (admit(source, realm)) {
            case Admitted admitted -> Optional.of(admitted);
            case Refused refused -> {
                long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
                LOG.warn("auth.throttled", Map.of("realm", realm, "path", req.path().path(), "remote", source,
                        "retry_after_s", seconds));
                res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
                Json.sendProblem(res, Problem.of(ProblemType.TOO_MANY_FAILED_AUTHENTICATIONS,
                        "Too many failed authentications from this address or for this realm; retry after " + seconds
                                + " s.").with("retryAfterSeconds", seconds), req.path().path());
                yield Optional.empty();
            }
        };
    }

    /** The address the request came from (the TCP peer). */
    public static String sourceOf(io.helidon.webserver.http.ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : req.remotePeer().host();
    }

    private Bucket bucket(String key, int failures) {
        return buckets.get(key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(failures).refillIntervally(failures, limits.window()))
                .build());
    }
}
