package iru.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import iru.interfaces.http.Json;
import iru.launcher.OidcCodeFlowTest.Code;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static iru.launcher.OidcCodeFlowTest.CALLBACK;
import static iru.launcher.OidcCodeFlowTest.acme;
import static iru.launcher.OidcCodeFlowTest.api;
import static iru.launcher.OidcCodeFlowTest.app;
import static iru.launcher.OidcCodeFlowTest.deployment;
import static iru.launcher.OidcCodeFlowTest.rival;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `private_key_jwt` client authentication (RFC 7523): the Nimbus OAuth 2.0 SDK as client gets `client_credentials`
 * tokens and redeems an authorization code with it; then every attack on the assertion is a 401 `invalid_client`
 * that changes nothing: the code attacked stays redeemable, and no assertion id is remembered for a refused one.
 */
class OidcPrivateKeyJwtTest {
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static ECKey ecKey;
    static RSAKey rsaKey;

    @BeforeAll
    static void start() throws Exception {
        // The attacks here fail on purpose: give this address room so the rate limit does not answer first.
        OidcCodeFlowTest.start("t_oidc_pkjwt", Map.of("IRU_AUTH_FAILURES_PER_SOURCE", "1000",
                "IRU_AUTH_FAILURES_PER_TENANT", "1000"));
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        var res = putKeys(acme, app, new JWKSet(List.<JWK>of(ecKey.toPublicJWK(), rsaKey.toPublicJWK())).toString());
        assertEquals(200, res.statusCode(), res.body());
    }

    @AfterAll
    static void stop() {
        OidcCodeFlowTest.stop();
    }

    static HttpResponse<String> putKeys(TestDeployment.TenantWithKey tenant, String appId, String jwks)
            throws Exception {
        return api.as(tenant.key(), "PUT", "/t/" + tenant.slug() + "/v1/apps/" + appId + "/client-keys", jwks);
    }

    static URI tokenEndpoint(TestDeployment.TenantWithKey tenant) {
        return URI.create(OidcCodeFlowTest.issuer(tenant) + "/token");
    }

    static JWTClaimsSet.Builder claims(String clientId, TestDeployment.TenantWithKey tenant) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                .audience(tokenEndpoint(tenant).toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60))).jwtID(UUID.randomUUID().toString());
    }

    static String sign(JWTClaimsSet claims, JWK key) throws Exception {
        JWSSigner signer;
        JWSAlgorithm alg;
        if (key instanceof ECKey ec) {
            signer = new ECDSASigner(ec);
            alg = JWSAlgorithm.ES256;
        } else {
            signer = new RSASSASigner((RSAKey) key);
            alg = JWSAlgorithm.RS256;
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static HttpResponse<String> token(TestDeployment.TenantWithKey tenant, String assertion,
            Map<String, String> grant) throws Exception {
        Map<String, String> form = new LinkedHashMap<>(grant);
        form.put("client_assertion_type", ASSERTION_TYPE);
        form.put("client_assertion", assertion);
        return api.send(HttpRequest.newBuilder(api.uri("/t/" + tenant.slug() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OidcCodeFlowTest.query(form))).build());
    }

    static String rememberedAssertions() throws Exception {
        return deployment.queryAsOwner("eu", "select count(*) from oauth_client_assertions");
    }

    @Test
    void nimbusClientGetsClientCredentialsTokensWithPrivateKeyJwt() throws Exception {
        OIDCProviderMetadata provider = OIDCProviderMetadata.resolve(new Issuer(OidcCodeFlowTest.issuer(acme)));
        assertTrue(provider.getTokenEndpointAuthMethods().contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT));
        assertTrue(provider.getTokenEndpointJWSAlgs().containsAll(List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256)));
        assertFalse(provider.getTokenEndpointJWSAlgs().contains(JWSAlgorithm.HS256));
        ClientID client = new ClientID(app);
        for (PrivateKeyJWT auth : List.of(
                new PrivateKeyJWT(client, provider.getTokenEndpointURI(), JWSAlgorithm.ES256, ecKey.toECPrivateKey(),
                        ecKey.getKeyID(), null),
                new PrivateKeyJWT(client, provider.getTokenEndpointURI(), JWSAlgorithm.RS256,
                        rsaKey.toRSAPrivateKey(), rsaKey.getKeyID(), null))) {
            TokenResponse response = TokenResponse.parse(new TokenRequest(provider.getTokenEndpointURI(), auth,
                    new ClientCredentialsGrant(), new Scope("profile")).toHTTPRequest().send());
            assertTrue(response.indicatesSuccess(), response.toString());
            SignedJWT access = SignedJWT.parse(response.toSuccessResponse().getTokens().getAccessToken().getValue());
            assertEquals(app, access.getJWTClaimsSet().getSubject());
            assertEquals("profile", access.getJWTClaimsSet().getStringClaim("scope"));
        }
        // The issuer is an accepted audience too.
        var res = token(acme, sign(claims(app, acme).audience(OidcCodeFlowTest.issuer(acme)).build(), ecKey),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, res.statusCode(), res.body());
        String events = api.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/events?kind=client-keys.replaced"
                + "&subject=" + app, null).body();
        assertTrue(events.contains("ec-1 rsa-1"), events);
    }

    @Test
    void nimbusClientRedeemsAnAuthorizationCodeWithPrivateKeyJwt() throws Exception {
        Code code = OidcCodeFlowTest.code(OidcCodeFlowTest.signedIn(OidcCodeFlowTest.assignedKey));
        PrivateKeyJWT auth = new PrivateKeyJWT(new ClientID(app), tokenEndpoint(acme), JWSAlgorithm.ES256,
                ecKey.toECPrivateKey(), ecKey.getKeyID(), null);
        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(tokenEndpoint(acme), auth,
                new AuthorizationCodeGrant(new com.nimbusds.oauth2.sdk.AuthorizationCode(code.code()),
                        URI.create(CALLBACK), new CodeVerifier(code.pkce().verifier()))).toHTTPRequest().send());
        assertTrue(response.indicatesSuccess(), response.toString());
        var tokens = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens();
        assertNotNull(tokens.getIDToken());
        assertEquals(OidcCodeFlowTest.assignedUser, tokens.getIDToken().getJWTClaimsSet().getSubject());
        assertNotNull(tokens.getRefreshToken());
    }

    @Test
    void everyForgedOrMisusedAssertionIsInvalidClientAndChangesNothing() throws Exception {
        Code code = OidcCodeFlowTest.code(OidcCodeFlowTest.signedIn(OidcCodeFlowTest.assignedKey));
        Map<String, String> redeem = Map.of("grant_type", "authorization_code", "code", code.code(), "redirect_uri",
                CALLBACK, "code_verifier", code.pkce().verifier());
        String used = sign(claims(app, acme).build(), ecKey);
        assertEquals(200, token(acme, used, Map.of("grant_type", "client_credentials")).statusCode());

        ECKey unregistered = new ECKeyGenerator(Curve.P_256).keyID(ecKey.getKeyID()).generate();
        String noKeys = OidcCodeFlowTest.createApp(acme, CALLBACK);
        String rivalApp = OidcCodeFlowTest.createApp(rival, CALLBACK);
        assertEquals(200, putKeys(rival, rivalApp, new JWKSet(ecKey.toPublicJWK()).toString()).statusCode());
        Instant now = Instant.now();
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("replayed jti", used);
        attacks.put("wrong audience", sign(claims(app, acme).audience("https://rp.example/token").build(), ecKey));
        attacks.put("another tenant's token endpoint as audience", sign(claims(app, acme)
                .audience(tokenEndpoint(rival).toString()).build(), ecKey));
        attacks.put("expired", sign(claims(app, acme).issueTime(Date.from(now.minusSeconds(600)))
                .expirationTime(Date.from(now.minusSeconds(300))).build(), ecKey));
        attacks.put("exp too far", sign(claims(app, acme).expirationTime(Date.from(now.plusSeconds(3600))).build(),
                ecKey));
        attacks.put("no jti", sign(claims(app, acme).jwtID(null).build(), ecKey));
        attacks.put("sub is not the client", sign(claims(app, acme).subject(noKeys).build(), ecKey));
        attacks.put("signed by an unregistered key", sign(claims(app, acme).build(), unregistered));
        attacks.put("another tenant's client id with this tenant's key", sign(claims(rivalApp, acme).build(),
                ecKey));
        attacks.put("a client with no registered keys", sign(claims(noKeys, acme).build(), ecKey));
        attacks.put("alg none", new PlainJWT(claims(app, acme).build()).serialize());
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsaKey.getKeyID()).build(),
                claims(app, acme).build());
        hmac.sign(new MACSigner(rsaKey.toPublicKey().getEncoded())); // the classic key-confusion forgery
        attacks.put("HS256 keyed with the public key", hmac.serialize());
        attacks.put("not a JWT", "eyJhbGciOiJFUzI1NiJ9.e30.");
        String before = rememberedAssertions();
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            HttpResponse<String> res = token(acme, attack.getValue(), redeem);
            assertEquals(401, res.statusCode(), attack.getKey() + ": " + res.body());
            assertEquals("invalid_client", Json.MAPPER.readTree(res.body()).get("error").asText(), attack.getKey());
            assertFalse(res.body().contains("access_token"), attack.getKey());
        }
        // This tenant's client and key presented at the other tenant's endpoint name no client there.
        HttpResponse<String> foreign = token(rival, sign(claims(app, rival).build(), ecKey),
                Map.of("grant_type", "client_credentials"));
        assertEquals(401, foreign.statusCode(), foreign.body());
        // A client_id parameter naming another client than the assertion's.
        Map<String, String> mismatched = new LinkedHashMap<>(redeem);
        mismatched.put("client_id", noKeys);
        assertEquals(401, token(acme, sign(claims(app, acme).build(), ecKey), mismatched).statusCode());

        assertEquals(before, rememberedAssertions(), "a refused assertion leaves no trace");
        assertTrue(PasskeySignInTest.eventKinds(acme, app).contains("client-assertion.replayed"));
        // Nothing changed: the code every attack was aimed at still redeems, once.
        JsonNode tokens = OidcCodeFlowTest.json(token(acme, sign(claims(app, acme).build(), rsaKey), redeem), 200);
        assertNotNull(tokens.get("id_token"));
    }

    @Test
    void onlyPublicSigningKeysRegisterAndARefusalKeepsTheOldSet() throws Exception {
        String client = OidcCodeFlowTest.createApp(acme, CALLBACK);
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("good").generate();
        assertEquals(200, putKeys(acme, client, new JWKSet(key.toPublicJWK()).toString()).statusCode());
        String registered = api.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/apps/" + client + "/client-keys",
                null).body();
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).keyID("oct").generate();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("a private EC key", new JWKSet(key).toString(false));
        refused.put("a private RSA key", new JWKSet(rsaKey).toString(false));
        refused.put("a symmetric key", new JWKSet(oct).toString(false));
        refused.put("RSA 1024", new JWKSet(new RSAKeyGenerator(1024, true).generate().toPublicJWK()).toString());
        refused.put("P-384", new JWKSet(new ECKeyGenerator(Curve.P_384).generate().toPublicJWK()).toString());
        refused.put("an encryption key", new JWKSet(new ECKeyGenerator(Curve.P_256)
                .keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).generate().toPublicJWK()).toString());
        refused.put("an alg the key cannot make", new JWKSet(new ECKeyGenerator(Curve.P_256)
                .algorithm(JWSAlgorithm.RS256).generate().toPublicJWK()).toString());
        refused.put("two keys with one kid", new JWKSet(List.<JWK>of(key.toPublicJWK(), ecKey.toPublicJWK()))
                .toString().replace("ec-1", "good"));
        refused.put("not a JWK set", "{\"keys\":[{\"kty\":\"EC\"}]}");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            HttpResponse<String> res = putKeys(acme, client, bad.getValue());
            assertEquals(400, res.statusCode(), bad.getKey() + ": " + res.body());
            JsonNode problem = Json.MAPPER.readTree(res.body());
            assertEquals("https://iru.dev/problems/malformed-request", problem.get("type").asText(), bad.getKey());
            assertEquals("keys", problem.get("field").asText(), bad.getKey());
        }
        assertEquals(422, putKeys(acme, client, "{\"keys\":{}}").statusCode());
        assertEquals(422, putKeys(acme, client, "{\"keys\":[],\"d\":\"x\"}").statusCode());
        assertEquals(registered, api.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/apps/" + client
                + "/client-keys", null).body(), "a refused set changes nothing");
        assertEquals("0", deployment.queryAsOwner("eu", "select count(*) from audit_oauth_client_keys where"
                + " jwks::text like '%\"d\"%' or jwks::text like '%\"k\"%'"), "no private part is ever journaled");
        // Another tenant's key cannot read or change them.
        assertEquals(404, api.as(rival.key(), "PUT", "/t/" + rival.slug() + "/v1/apps/" + client + "/client-keys",
                new JWKSet(ecKey.toPublicJWK()).toString()).statusCode());
        assertEquals(404, api.as(rival.key(), "GET", "/t/" + rival.slug() + "/v1/apps/" + client + "/client-keys",
                null).statusCode());
        // An empty set removes the keys: the client can no longer authenticate with them.
        assertEquals(200, token(acme, sign(claims(client, acme).build(), key), Map.of("grant_type",
                "client_credentials")).statusCode());
        assertEquals(200, putKeys(acme, client, "{\"keys\":[]}").statusCode());
        assertEquals(401, token(acme, sign(claims(client, acme).build(), key), Map.of("grant_type",
                "client_credentials")).statusCode());
    }

    @Test
    void oneAuthenticationMethodAtATime() throws Exception {
        Map<String, String> both = new LinkedHashMap<>(Map.of("grant_type", "client_credentials"));
        both.put("client_secret", OidcCodeFlowTest.secret);
        HttpResponse<String> res = token(acme, sign(claims(app, acme).build(), ecKey), both);
        assertEquals("invalid_request", Json.MAPPER.readTree(res.body()).get("error").asText(), res.body());
        var wrongType = api.send(HttpRequest.newBuilder(api.uri("/t/" + acme.slug() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_assertion_type=saml"
                        + "&client_assertion=" + sign(claims(app, acme).build(), ecKey))).build());
        assertEquals("invalid_request", Json.MAPPER.readTree(wrongType.body()).get("error").asText());
    }
}
