package iru.foundation.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Passkey sign-in and sessions on the tenant plane. One relying party for every tenant for now; a per-tenant
 * override can replace this record's rpId and origins later.
 *
 * @param publicBaseUrl   base of links handed to people (enrollment links); default `http://localhost:8080`
 * @param rpId            WebAuthn relying-party id: the registrable domain passkeys are bound to (default `localhost`)
 * @param origins         origins a ceremony may come from (exact scheme://host[:port]); default `http://localhost:8080`
 * @param enrollmentTtl   how long an enrollment link works (default 24 h: a person may open it the next day)
 * @param challengeTtl    how long a ceremony challenge may be answered (default 5 min: a person with a key in hand)
 * @param sessionIdle     a session unused this long ends (default 30 min)
 * @param sessionAbsolute a session ends this long after sign-in however busy (default 12 h: one working day)
 */
public record SignInSettings(URI publicBaseUrl, String rpId, List<String> origins, Duration enrollmentTtl,
        Duration challengeTtl, Duration sessionIdle, Duration sessionAbsolute) {
    public static final SignInSettings DEFAULTS = new SignInSettings(URI.create("http://localhost:8080"), "localhost",
            List.of("http://localhost:8080"), Duration.ofHours(24), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(12));

    public SignInSettings {
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        if (!"http".equals(publicBaseUrl.getScheme()) && !"https".equals(publicBaseUrl.getScheme())) {
            throw new IllegalArgumentException("public base URL must be http(s): " + publicBaseUrl);
        }
        if (rpId == null || !rpId.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
            throw new IllegalArgumentException("rpId must be a lowercase host name: " + rpId);
        }
        origins = List.copyOf(origins);
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("at least one WebAuthn origin is required");
        }
        for (String origin : origins) {
            if (!origin.matches("https?://[a-z0-9.-]+(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("origin must be scheme://host[:port], lowercase, no path: " + origin);
            }
            String host = URI.create(origin).getHost();
            if (!host.equals(rpId) && !host.endsWith("." + rpId)) {
                throw new IllegalArgumentException("origin " + origin + " is not within rpId " + rpId);
            }
        }
        for (Duration d : List.of(enrollmentTtl, challengeTtl, sessionIdle, sessionAbsolute)) {
            if (d == null || !d.isPositive()) {
                throw new IllegalArgumentException("sign-in durations must be positive");
            }
        }
        if (sessionIdle.compareTo(sessionAbsolute) > 0) {
            throw new IllegalArgumentException("the idle timeout cannot exceed the absolute one");
        }
    }
}
