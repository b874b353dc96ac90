package iru.application.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import iru.application.identity.TenantTransactions;
import iru.application.signing.SigningKeys;
import iru.application.signing.TokenSigner;
import iru.domain.event.SecurityEventLog;
import iru.domain.oauth.OAuthClientRepository;
import iru.domain.oauth.OAuthClientRepository.Registration;
import iru.domain.oauth.OAuthGrantRepository;
import iru.domain.oauth.OAuthGrantRepository.AuthorizationCode;
import iru.domain.oauth.OAuthGrantRepository.Grant;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import iru.domain.user.UserStatus;
import iru.foundation.config.OidcSettings;
import iru.foundation.crypto.Digests;
import iru.foundation.crypto.RandomTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The OpenID Provider's user-facing grants: authorization codes (single use, PKCE S256, 60 s), the tokens they
 * redeem for (ID token, access token, refresh token), refresh token rotation with reuse detection, and userinfo.
 * A redeemed code or refresh token presented again revokes the whole grant: its refresh tokens and, through the
 * `gid` claim userinfo checks, its access tokens.
 */
public final class OidcProvider {
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    /** How long a redeemed code is remembered, so a replay within it revokes what the first redemption issued. */
    static final Duration CODE_MEMORY = Duration.ofMinutes(15);
    public static final Duration ID_TOKEN_LIFETIME = Duration.ofMinutes(10);
    public static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(30);
    /** RFC 7636 §4.1: 43–128 unreserved characters. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private static final String GRANT_CLAIM = "gid";

    private final TenantTransactions tx;
    private final OAuthClientRepository clients;
    private final OAuthGrantRepository grants;
    private final UserRepository users;
    private final SecurityEventLog events;
    private final SigningKeys signingKeys;
    private final OidcSettings oidc;
    private final RandomTokens tokens;
    private final Clock clock;

    /** What the token endpoint returns for a code or refresh grant. */
    public record TokenSet(String accessToken, Optional<String> idToken, String refreshToken, Duration expiresIn,
            String scope) {
        public TokenSet {
            Objects.requireNonNull(accessToken, "accessToken");
            Objects.requireNonNull(idToken, "idToken");
            Objects.requireNonNull(refreshToken, "refreshToken");
            Objects.requireNonNull(expiresIn, "expiresIn");
            Objects.requireNonNull(scope, "scope");
        }
    }

    /** A validated authorization request, as the authorization endpoint accepted it. */
    public record CodeRequest(UUID clientId, String redirectUri, String codeChallenge, Optional<String> nonce,
            String scope) {
        public CodeRequest {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(redirectUri, "redirectUri");
            Objects.requireNonNull(codeChallenge, "codeChallenge");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(scope, "scope");
        }
    }

    private record Redeemed(Grant grant, Optional<String> nonce) {
    }

    public OidcProvider(TenantTransactions tx, OAuthClientRepository clients, OAuthGrantRepository grants,
            UserRepository users, SecurityEventLog events, SigningKeys signingKeys, OidcSettings oidc,
            RandomTokens tokens, Clock clock) {
        this.tx = tx;
        this.clients = clients;
        this.grants = grants;
        this.users = users;
        this.events = events;
        this.signingKeys = signingKeys;
        this.oidc = oidc;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * The client's registered redirect URIs and allowed scopes; empty if the client id names no application of this
     * tenant.
     */
    public Optional<Registration> registration(TenantLocation tenant, UUID clientId) {
        return tx.run("ClientRegistration", tenant, c -> clients.registration(c, tenant.id(), clientId));
    }

    /**
     * A code for the signed-in user, or empty if the user may not use this client (not assigned, directly or
     * through a group, or inactive) or the session ended meanwhile.
     */
    public Optional<String> issueCode(TenantLocation tenant, CodeRequest request, UUID userId, String sessionCookie) {
        String code = tokens.next();
        byte[] sessionHash = Digests.sha256(sessionCookie);
        Instant now = now();
        boolean issued = tx.run("IssueAuthorizationCode", tenant, c -> {
            Optional<Instant> authTime = clients.sessionStarted(c, tenant.id(), sessionHash);
            if (authTime.isEmpty() || !clients.mayUse(c, tenant.id(), request.clientId(), userId)) {
                return false;
            }
            grants.insertCode(c, tenant.id(), Digests.sha256(code), new AuthorizationCode(request.clientId(),
                    request.redirectUri(), request.codeChallenge(), request.nonce(), request.scope(), userId,
                    sessionHash, authTime.get(), now.plus(CODE_LIFETIME), Optional.empty(), Optional.empty()),
                    now, now.plus(CODE_MEMORY));
            return true;
        });
        return issued ? Optional.of(code) : Optional.empty();
    }

    /** `grant_type=authorization_code` for an authenticated client. */
    public TokenSet redeemCode(TenantLocation tenant, UUID clientId, String code, String redirectUri,
            String codeVerifier) {
        if (code == null || !RandomTokens.wellFormed(code)) {
            throw new InvalidGrantException("unknown authorization code");
        }
        byte[] codeHash = Digests.sha256(code);
        Instant now = now();
        String refresh = tokens.next();
        // Returns the grant, or an exception to throw once the transaction (with any revocation) has committed.
        Object outcome = tx.run("RedeemAuthorizationCode", tenant, c -> {
            Optional<AuthorizationCode> consumed = grants.consumeCode(c, tenant.id(), codeHash, now);
            if (consumed.isEmpty()) {
                Optional<AuthorizationCode> known = grants.findCode(c, tenant.id(), codeHash, now);
                if (known.isPresent() && known.get().consumedAt().isPresent()) {
                    AuthorizationCode replayed = known.get();
                    boolean revoked = replayed.grantId().isPresent()
                            && grants.deleteGrant(c, tenant.id(), replayed.grantId().get());
                    events.append(c, tenant.id(), "authorization-code.replayed",
                            Optional.of(replayed.clientId().toString()),
                            Map.of("user", replayed.userId().toString(), "grantRevoked", Boolean.toString(revoked)));
                    return new InvalidGrantException("the authorization code was already used; what it issued is"
                            + " revoked");
                }
                return new InvalidGrantException("unknown or expired authorization code");
            }
            AuthorizationCode bound = consumed.get();
            if (clients.sessionStarted(c, tenant.id(), bound.sessionHash()).isEmpty()) {
                // Signed out (or revoked) between the code and its redemption: nothing may outlive that session.
                return new InvalidGrantException("the sign-in session of the authorization code has ended");
            }
            if (!bound.clientId().equals(clientId)) {
                return new InvalidGrantException("the authorization code was issued to another client");
            }
            if (!bound.redirectUri().equals(redirectUri)) {
                return new InvalidGrantException("redirect_uri differs from the authorization request's");
            }
            if (codeVerifier == null || !VERIFIER.matcher(codeVerifier).matches()
                    || !MessageDigest.isEqual(s256(codeVerifier).getBytes(StandardCharsets.US_ASCII),
                            bound.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
                return new InvalidGrantException("code_verifier does not match the code_challenge");
            }
            Grant grant = new Grant(UUID.randomUUID(), clientId, bound.userId(), bound.scope(), bound.authTime(),
                    now.plus(REFRESH_TOKEN_LIFETIME));
            grants.insertGrant(c, tenant.id(), grant, bound.sessionHash(), now);
            grants.recordCodeGrant(c, tenant.id(), codeHash, grant.grantId());
            grants.insertRefreshToken(c, tenant.id(), Digests.sha256(refresh), grant.grantId(), now,
                    grant.expiresAt());
            return new Redeemed(grant, bound.nonce());
        });
        if (outcome instanceof InvalidGrantException e) {
            throw e;
        }
        Redeemed redeemed = (Redeemed) outcome;
        return tokensFor(tenant, redeemed.grant(), refresh, true, redeemed.nonce());
    }

    /** `grant_type=refresh_token`: rotates the token; a consumed token presented again revokes its grant. */
    public TokenSet refresh(TenantLocation tenant, UUID clientId, String refreshToken) {
        if (refreshToken == null || !RandomTokens.wellFormed(refreshToken)) {
            throw new InvalidGrantException("unknown refresh token");
        }
        byte[] hash = Digests.sha256(refreshToken);
        Instant now = now();
        String next = tokens.next();
        Object outcome = tx.run("RefreshTokens", tenant, c -> {
            Optional<OAuthGrantRepository.RefreshToken> found = grants.lockRefreshToken(c, tenant.id(), hash);
            if (found.isEmpty()) {
                return new InvalidGrantException("unknown refresh token");
            }
            Optional<Grant> grant = grants.findGrant(c, tenant.id(), found.get().grantId(), now);
            if (grant.isEmpty() || !grant.get().clientId().equals(clientId)) {
                return new InvalidGrantException("unknown refresh token");
            }
            if (found.get().consumedAt().isPresent()) {
                grants.deleteGrant(c, tenant.id(), grant.get().grantId());
                events.append(c, tenant.id(), "refresh-token.reuse-detected", Optional.of(clientId.toString()),
                        Map.of("user", grant.get().userId().toString()));
                return new InvalidGrantException("the refresh token was already used; its family is revoked");
            }
            if (!found.get().expiresAt().isAfter(now)) {
                return new InvalidGrantException("the refresh token expired");
            }
            if (!clients.mayUse(c, tenant.id(), clientId, grant.get().userId())) {
                grants.deleteGrant(c, tenant.id(), grant.get().grantId());
                return new InvalidGrantException("the user may no longer use this client");
            }
            grants.consumeRefreshToken(c, tenant.id(), hash, now);
            grants.insertRefreshToken(c, tenant.id(), Digests.sha256(next), grant.get().grantId(), now,
                    grant.get().expiresAt());
            return grant.get();
        });
        if (outcome instanceof InvalidGrantException e) {
            throw e;
        }
        return tokensFor(tenant, (Grant) outcome, next, false, Optional.empty());
    }

    /**
     * The OpenID claims for a bearer access token, or empty if the token does not verify (signature through the
     * tenant's published keys, `typ` at+jwt, issuer, audience, expiry) or its grant is revoked.
     */
    public Optional<Map<String, Object>> userInfo(TenantLocation tenant, String accessToken) {
        String issuer = oidc.issuer(tenant.slug().value());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(OAuthClients.ACCESS_TOKEN_TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(signingKeys.publishedKeys(tenant))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(issuer,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat", GRANT_CLAIM)));
        JWTClaimsSet claims;
        UUID grantId;
        UUID userId;
        try {
            claims = processor.process(accessToken, null);
            grantId = UUID.fromString(claims.getStringClaim(GRANT_CLAIM));
            userId = UUID.fromString(claims.getSubject());
        } catch (ParseException | BadJOSEException | com.nimbusds.jose.JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
        Instant now = now();
        return tx.run("UserInfo", tenant, c -> {
            Optional<Grant> grant = grants.findGrant(c, tenant.id(), grantId, now);
            if (grant.isEmpty() || !grant.get().userId().equals(userId)) {
                return Optional.empty();
            }
            return users.find(c, tenant.id(), userId).filter(u -> u.status() == UserStatus.active)
                    .map(OidcProvider::claims);
        });
    }

    /**
     * The verified claims of an ID token this tenant issued, expired or not (RP-initiated logout accepts an expired
     * `id_token_hint`), or empty if it does not verify.
     */
    public Optional<JWTClaimsSet> idTokenHint(TenantLocation tenant, String idToken) {
        String issuer = oidc.issuer(tenant.slug().value());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(signingKeys.publishedKeys(tenant))));
        processor.setJWTClaimsSetVerifier((claims, context) -> {
            if (!issuer.equals(claims.getIssuer()) || claims.getSubject() == null || claims.getAudience().size() != 1
                    || claims.getClaim(GRANT_CLAIM) != null) {
                throw new com.nimbusds.jwt.proc.BadJWTException("not an ID token of this issuer");
            }
        });
        try {
            return Optional.of(processor.process(idToken, null));
        } catch (ParseException | BadJOSEException | com.nimbusds.jose.JOSEException e) {
            return Optional.empty();
        }
    }

    private TokenSet tokensFor(TenantLocation tenant, Grant grant, String refreshToken, boolean withIdToken,
            Optional<String> nonce) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String issuer = oidc.issuer(tenant.slug().value());
        TokenSigner signer = signingKeys.signer(tenant);
        String accessToken = signer.sign(new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(grant.userId().toString())
                .audience(issuer)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(OAuthClients.ACCESS_TOKEN_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", grant.clientId().toString())
                .claim("scope", grant.scope())
                .claim(GRANT_CLAIM, grant.grantId().toString())
                .build(), OAuthClients.ACCESS_TOKEN_TYPE).serialize();
        Optional<String> idToken = Optional.empty();
        if (withIdToken) {
            JWTClaimsSet.Builder id = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .subject(grant.userId().toString())
                    .audience(grant.clientId().toString())
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(ID_TOKEN_LIFETIME)))
                    .claim("auth_time", grant.authTime().getEpochSecond())
                    .claim("amr", List.of("hwk", "user"))
                    .claim("azp", grant.clientId().toString())
                    .claim("at_hash", atHash(accessToken));
            nonce.ifPresent(n -> id.claim("nonce", n));
            idToken = Optional.of(signer.sign(id.build()).serialize());
        }
        return new TokenSet(accessToken, idToken, refreshToken, OAuthClients.ACCESS_TOKEN_LIFETIME, grant.scope());
    }

    private static Map<String, Object> claims(User user) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user.id().toString());
        claims.put("preferred_username", user.profile().userName());
        if (user.profile().displayName() != null) {
            claims.put("name", user.profile().displayName());
        }
        if (user.profile().email() != null) {
            claims.put("email", user.profile().email());
        }
        return claims;
    }

    /** OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url (ES256 uses SHA-256). */
    private static String atHash(String accessToken) {
        byte[] digest = Digests.sha256(accessToken);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    /** RFC 7636 S256: base64url(SHA-256(ASCII(verifier))). */
    static String s256(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Digests.sha256(verifier));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
