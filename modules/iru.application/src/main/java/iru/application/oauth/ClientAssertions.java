package iru.application.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import iru.application.identity.TenantTransactions;
import iru.application.oauth.OAuthClients.AuthenticatedClient;
import iru.domain.event.SecurityEventLog;
import iru.domain.oauth.OAuthClientRepository;
import iru.domain.oauth.OAuthClientRepository.RegisteredKeys;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.OidcSettings;
import iru.foundation.crypto.Digests;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9): the client proves itself with a
 * JWT it signed with a key registered for it ({@link ClientKeySet}). Nimbus verifies signature and claims: `iss` and
 * `sub` the client id, `aud` containing the token endpoint or the issuer, `exp` not passed (60 s skew) and at most
 * {@link #MAX_LIFETIME} ahead, `jti` present; the signature with an algorithm of {@link ClientKeySet#ALGORITHMS} by a
 * registered key (so `none`, HMAC with the public key as secret, and unregistered keys all fail). Each `jti` is
 * accepted once per client, remembered until the assertion could no longer be accepted.
 */
public final class ClientAssertions {
    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** A client makes a fresh assertion per request; one valid for long would be a bearer secret. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    /** Nimbus's default clock skew for `exp`/`nbf`, which the jti memory must outlast. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS);

    private final TenantTransactions tx;
    private final OAuthClientRepository clients;
    private final SecurityEventLog events;
    private final OidcSettings oidc;
    private final Clock clock;

    public ClientAssertions(TenantTransactions tx, OAuthClientRepository clients, SecurityEventLog events,
            OidcSettings oidc, Clock clock) {
        this.tx = tx;
        this.clients = clients;
        this.events = events;
        this.oidc = oidc;
        this.clock = clock;
    }

    /**
     * The client a presented assertion authenticates in this tenant, if it does. `clientId` is the request's
     * `client_id` parameter, optional, and must then name the assertion's client.
     */
    public Optional<AuthenticatedClient> authenticate(TenantLocation tenant, String assertion,
            Optional<String> clientId) {
        SignedJWT jwt;
        String issuerClaim;
        try {
            jwt = SignedJWT.parse(assertion); // an unsecured (alg none) JWT is no SignedJWT: refused here
            issuerClaim = jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            return Optional.empty();
        }
        Optional<UUID> id = OAuthClients.parseClientId(issuerClaim);
        if (id.isEmpty() || clientId.filter(c -> !c.equals(issuerClaim)).isPresent()
                || !ClientKeySet.ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            return Optional.empty();
        }
        String issuer = oidc.issuer(tenant.slug().value());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return tx.run("AuthenticateClientAssertion", tenant, c -> {
            Optional<RegisteredKeys> keys = clients.keys(c, tenant.id(), id.get());
            if (keys.isEmpty()) {
                return Optional.empty();
            }
            JWTClaimsSet claims;
            try {
                claims = processor(JWKSet.parse(keys.get().jwks()), issuerClaim, issuer).process(jwt, null);
            } catch (ParseException | BadJOSEException | JOSEException e) {
                return Optional.empty();
            }
            Instant expires = claims.getExpirationTime().toInstant();
            Instant latest = now.plus(MAX_LIFETIME).plus(CLOCK_SKEW);
            if (expires.isAfter(latest) || (claims.getIssueTime() != null
                    && claims.getIssueTime().toInstant().isAfter(now.plus(CLOCK_SKEW)))) {
                return Optional.empty();
            }
            if (!clients.recordAssertion(c, tenant.id(), id.get(), Digests.sha256(claims.getJWTID()), now,
                    expires.plus(CLOCK_SKEW))) {
                events.append(c, tenant.id(), "client-assertion.replayed", Optional.of(issuerClaim), Map.of());
                return Optional.empty();
            }
            return Optional.of(new AuthenticatedClient(id.get(), keys.get().allowedScopes()));
        });
    }

    private static DefaultJWTProcessor<SecurityContext> processor(JWKSet keys, String clientId, String issuer) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ClientKeySet.ALGORITHMS,
                new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(issuer + "/token", issuer),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).build(),
                Set.of("iss", "sub", "aud", "exp", "jti"), null));
        return processor;
    }
}
