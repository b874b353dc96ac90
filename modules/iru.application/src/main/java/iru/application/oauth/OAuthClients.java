package iru.application.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import iru.application.identity.TenantTransactions;
import iru.application.signing.SigningKeys;
import iru.domain.application.AllowedScopes;
import iru.application.tenant.CredentialCache;
import iru.application.tenant.CredentialChanges;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.event.SecurityEventLog;
import iru.domain.oauth.OAuthClientRepository;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.OidcSettings;
import iru.foundation.crypto.Digests;
import iru.foundation.crypto.RandomTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The tenant's OAuth 2.0 / OpenID Connect clients: every application is one, its id the client id. Rotates client
 * secrets (shown once, stored as a hash) and `private_key_jwt` keys, authenticates clients by secret at the token
 * endpoint ({@link ClientAssertions} does `private_key_jwt`), and issues the
 * `client_credentials` access token (an RFC 9068 JWT signed with the tenant's active key). A verified client id and
 * secret is remembered briefly (by the SHA-256 of the secret, never the secret) so that a client asking for tokens
 * in a loop costs no database round trip; a rotation or an application's deletion drops it at once everywhere
 * through {@link CredentialChanges}.
 */
public final class OAuthClients {
    /** Short-lived, so a leaked access token is useful only briefly and no revocation list is needed for it. */
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(10);
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    private final TenantTransactions tx;
    private final OAuthClientRepository clients;
    private final SecurityEventLog events;
    private final SigningKeys signingKeys;
    private final OidcSettings oidc;
    private final RandomTokens tokens;
    private final Clock clock;
    private final CredentialChanges changes;
    private final CredentialCache<VerifiedSecret, AuthenticatedClient> verified;

    /** What a verified client credential is remembered by: the client id and the SHA-256 of its secret. */
    private record VerifiedSecret(UUID clientId, String secretSha256) {
    }

    /** A client the token endpoint authenticated, with the scopes it may ask for. */
    public record AuthenticatedClient(UUID id, List<String> allowedScopes) {
        public AuthenticatedClient {
            Objects.requireNonNull(id, "id");
            allowedScopes = List.copyOf(allowedScopes);
        }
    }

    /** A freshly issued access token and what the token response says about it. */
    public record AccessToken(String value, Duration expiresIn, Optional<String> scope) {
        public AccessToken {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(expiresIn, "expiresIn");
            Objects.requireNonNull(scope, "scope");
        }
    }

    public OAuthClients(TenantTransactions tx, OAuthClientRepository clients, SecurityEventLog events,
            SigningKeys signingKeys, OidcSettings oidc, RandomTokens tokens, Clock clock, CredentialChanges changes) {
        this.tx = tx;
        this.clients = clients;
        this.events = events;
        this.signingKeys = signingKeys;
        this.oidc = oidc;
        this.tokens = tokens;
        this.clock = clock;
        this.changes = changes;
        this.verified = changes.newCache();
    }

    /**
     * A new secret for client `appId`, replacing any earlier one at once (the old secret stops working in the same
     * transaction). The value is returned only here; the database keeps its SHA-256 hash.
     */
    public String rotateSecret(TenantLocation tenant, UUID appId) {
        String secret = tokens.next();
        tx.run("RotateClientSecret", tenant, c -> {
            if (!clients.applicationExists(c, tenant.id(), appId)) {
                throw new ResourceNotFoundException("application", appId);
            }
            clients.replaceSecret(c, tenant.id(), appId, Digests.sha256(secret), now());
            events.append(c, tenant.id(), "client-secret.rotated", Optional.of(appId.toString()), Map.of());
            changes.announce(c, tenant.id());
            return null;
        });
        changes.forget(tenant.id());
        return secret;
    }

    /**
     * Registers `keys` as the client's `private_key_jwt` keys, replacing any earlier set at once (an empty set
     * removes them); security event `client-keys.replaced` with the new key ids.
     */
    public void replaceKeys(TenantLocation tenant, UUID appId, ClientKeySet keys) {
        tx.run("ReplaceClientKeys", tenant, c -> {
            if (!clients.applicationExists(c, tenant.id(), appId)) {
                throw new ResourceNotFoundException("application", appId);
            }
            clients.replaceKeys(c, tenant.id(), appId, keys.isEmpty() ? Optional.empty() : Optional.of(keys.toJson()),
                    now());
            events.append(c, tenant.id(), "client-keys.replaced", Optional.of(appId.toString()), Map.of(
                    "count", Integer.toString(keys.keys().getKeys().size()),
                    "kids", String.join(" ", keys.keys().getKeys().stream()
                            .map(k -> k.getKeyID() == null ? "-" : k.getKeyID()).toList())));
            return null;
        });
    }

    /** The client's registered `private_key_jwt` keys (an empty set if none). */
    public ClientKeySet keys(TenantLocation tenant, UUID appId) {
        String json = tx.run("ClientKeys", tenant, c -> {
            if (!clients.applicationExists(c, tenant.id(), appId)) {
                throw new ResourceNotFoundException("application", appId);
            }
            return clients.keys(c, tenant.id(), appId).map(OAuthClientRepository.RegisteredKeys::jwks)
                    .orElse("{\"keys\":[]}");
        });
        return ClientKeySet.parse(json);
    }

    /**
     * The client a presented id and secret authenticate in this tenant, if they do. A pair verified recently is
     * answered from memory; anything else (a wrong secret included) is checked against the database.
     */
    public Optional<AuthenticatedClient> authenticate(TenantLocation tenant, String clientId, String secret) {
        Optional<UUID> id = parseClientId(clientId);
        String presented = secret == null ? "" : secret;
        if (id.isEmpty()) {
            // A malformed id is still hashed and compared, against nothing, so it fails as slowly as a wrong secret.
            return lookup(tenant, new UUID(0, 0), presented).flatMap(ignored -> Optional.empty());
        }
        VerifiedSecret key = new VerifiedSecret(id.get(), HexFormat.of().formatHex(Digests.sha256(presented)));
        return verified.get(tenant, key, () -> lookup(tenant, id.get(), presented));
    }

    private Optional<AuthenticatedClient> lookup(TenantLocation tenant, UUID clientId, String presented) {
        Optional<List<String>> allowed = tx.run("AuthenticateClient", tenant,
                c -> clients.secretAuthenticates(c, tenant.id(), clientId, presented));
        return allowed.map(scopes -> new AuthenticatedClient(clientId, scopes));
    }

    /**
     * `grant_type=client_credentials`: an access token whose subject is the client itself, for the requested scopes
     * if the client may have all of them ({@link InvalidScopeException} otherwise).
     */
    public AccessToken clientCredentials(TenantLocation tenant, AuthenticatedClient client, Optional<String> scope) {
        if (scope.isPresent() && !AllowedScopes.cover(client.allowedScopes(), scope.get())) {
            throw new InvalidScopeException("the client may ask only for its allowed scopes: "
                    + String.join(" ", client.allowedScopes()));
        }
        UUID clientId = client.id();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String issuer = oidc.issuer(tenant.slug().value());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(clientId.toString())
                .audience(issuer)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ACCESS_TOKEN_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", clientId.toString());
        scope.ifPresent(s -> claims.claim("scope", s));
        String token = signingKeys.signer(tenant).sign(claims.build(), ACCESS_TOKEN_TYPE).serialize();
        return new AccessToken(token, ACCESS_TOKEN_LIFETIME, scope);
    }

    static Optional<UUID> parseClientId(String clientId) {
        if (clientId == null || clientId.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(clientId));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
