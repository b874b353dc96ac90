package iru.foundation.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What OpenID Connect needs from the deployment.
 *
 * @param publicBaseUrl       where clients reach the tenant plane; a tenant's issuer is `{publicBaseUrl}/t/{slug}`,
 *                            so it must be the exact public origin (and path), without a trailing slash
 * @param signingKeyRetireGrace how long a replaced signing key stays in the JWKS; at least the longest lifetime of a
 *                            token it signed, so rotation never breaks a token that is still valid
 */
public record OidcSettings(URI publicBaseUrl, Duration signingKeyRetireGrace) {
    public OidcSettings {
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(signingKeyRetireGrace, "signingKeyRetireGrace");
        String scheme = publicBaseUrl.getScheme();
        if (!("https".equals(scheme) || "http".equals(scheme)) || publicBaseUrl.getHost() == null
                || publicBaseUrl.getQuery() != null || publicBaseUrl.getFragment() != null
                || publicBaseUrl.getUserInfo() != null || publicBaseUrl.getPath().endsWith("/")) {
            throw new IllegalArgumentException("the public base URL must be http(s)://host[:port][/path] without a"
                    + " trailing slash, query, fragment or user info");
        }
        if (!signingKeyRetireGrace.isPositive()) {
            throw new IllegalArgumentException("the signing key retire grace must be positive");
        }
    }

    /** The issuer of a tenant's tokens, as it appears in the discovery document and in every token. */
    public String issuer(String slug) {
        return publicBaseUrl + "/t/" + slug;
    }
}
