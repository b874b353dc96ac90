package iru.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import iru.foundation.crypto.Digests;
import iru.interfaces.http.Json;
import iru.launcher.PasskeySignInTest.Browser;
import iru.testkit.LoopbackCatalog;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The authorization code flow end to end, the relying party played once by the Nimbus OAuth 2.0 SDK and once by this
 * test over plain HTTP (discovery, PKCE, state, nonce, the ID token verified against the JWKS), the browser part by a
 * software passkey; then
 * the attacks: replayed codes, foreign or unregistered redirect URIs, missing or plain PKCE, wrong verifiers,
 * unassigned users, expired codes, refresh token reuse, forged access tokens.
 */
class OidcCodeFlowTest {
    static final String CALLBACK = "https://rp.example/callback";
    static final SecureRandom RANDOM = new SecureRandom();
    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane api;
    static TestDeployment.TenantWithKey acme;
    static TestDeployment.TenantWithKey rival;
    static String origin;
    static String app;
    static String secret;
    static String assignedUser;
    static SoftwareAuthenticator assignedKey;

    @BeforeAll
    static void start() throws Exception {
        start("t_oidc_code", Map.of());
    }

    /** The deployment, tenants, client and signed-up user these tests use; other OIDC tests build on it too. */
    static void start(String database, Map<String, String> tenantPlaneEnvironment) throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
        deployment = TestDeployment.create(database);
        var control = deployment.startControlWithCatalog(upstream);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        origin = "http://localhost:" + port;
        Map<String, String> environment = new HashMap<>(tenantPlaneEnvironment);
        environment.putAll(Map.of("IRU_HTTP_PORT", Integer.toString(port), "IRU_WEBAUTHN_ORIGINS", origin,
                "IRU_PUBLIC_BASE_URL", origin));
        api = deployment.start(Plane.tenant, environment);
        acme = TestDeployment.createTenant(control, "code-acme", "eu");
        rival = TestDeployment.createTenant(control, "code-rival", "eu");
        // The passkey helpers of PasskeySignInTest drive this deployment's tenant plane.
        PasskeySignInTest.deployment = deployment;
        PasskeySignInTest.tenantPlane = api;
        PasskeySignInTest.origin = origin;
        app = createApp(acme, CALLBACK);
        secret = rotate(acme, app);
        assignedUser = PasskeySignInTest.createUser(acme, "ada");
        assignedKey = PasskeySignInTest.enroll(acme, assignedUser);
        assertEquals(204, api.as(acme.key(), "PUT", "/t/" + acme.slug() + "/v1/apps/" + app
                + "/assignments/users/" + assignedUser, null).statusCode());
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    static String createApp(TestDeployment.TenantWithKey tenant, String redirectUri) throws Exception {
        var res = api.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/apps",
                "{\"templateKey\":\"slack\",\"displayName\":\"Slack\",\"redirectUris\":[\"" + redirectUri + "\"]}");
        assertEquals(201, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("id").asText();
    }

    static String rotate(TestDeployment.TenantWithKey tenant, String appId) throws Exception {
        var res = api.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/apps/" + appId + "/client-secret", null);
        assertEquals(200, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("clientSecret").asText();
    }

    static String issuer(TestDeployment.TenantWithKey tenant) {
        return origin + "/t/" + tenant.slug();
    }

    /** A PKCE pair: the verifier the RP keeps and the S256 challenge it sends. */
    record Pkce(String verifier, String challenge) {
        static Pkce create() {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(Digests.sha256(verifier)));
        }
    }

    static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String query(Map<String, String> parameters) {
        StringBuilder q = new StringBuilder();
        parameters.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return q.toString();
    }

    static Map<String, String> authorizeParameters(String clientId, String redirectUri, Pkce pkce, String state,
            String nonce) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", clientId);
        p.put("redirect_uri", redirectUri);
        p.put("scope", "openid profile email");
        p.put("state", state);
        p.put("nonce", nonce);
        p.put("code_challenge", pkce.challenge());
        p.put("code_challenge_method", "S256");
        return p;
    }

    static HttpResponse<String> authorize(Browser browser, TestDeployment.TenantWithKey tenant,
            Map<String, String> parameters) throws Exception {
        return browser.send("GET", "/t/" + tenant.slug() + "/authorize?" + query(parameters), null, null);
    }

    static Map<String, String> redirectParameters(HttpResponse<String> res, String expectedTarget) {
        assertEquals(303, res.statusCode(), res.body());
        String location = res.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(expectedTarget + "?"), location);
        Map<String, String> parameters = new HashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            parameters.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1],
                    StandardCharsets.UTF_8));
        }
        return parameters;
    }

    static Browser signedIn(SoftwareAuthenticator key) throws Exception {
        Browser browser = new Browser();
        PasskeySignInTest.signIn(browser, acme, key, 200);
        return browser;
    }

    /** A code for the assigned user, with its PKCE verifier and nonce. */
    record Code(String code, Pkce pkce, String nonce) {
    }

    static Code code(Browser browser) throws Exception {
        Pkce pkce = Pkce.create();
        String state = random();
        String nonce = random();
        Map<String, String> answer = redirectParameters(authorize(browser, acme,
                authorizeParameters(app, CALLBACK, pkce, state, nonce)), CALLBACK);
        assertEquals(state, answer.get("state"));
        assertEquals(issuer(acme), answer.get("iss"));
        return new Code(answer.get("code"), pkce, nonce);
    }

    static HttpResponse<String> token(TestDeployment.TenantWithKey tenant, String clientId, String clientSecret,
            Map<String, String> form) throws Exception {
        return api.send(HttpRequest.newBuilder(api.uri("/t/" + tenant.slug() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", OidcClientCredentialsTest.basic(clientId, clientSecret))
                .POST(HttpRequest.BodyPublishers.ofString(query(form))).build());
    }

    static HttpResponse<String> redeem(Code code) throws Exception {
        return token(acme, app, secret, Map.of("grant_type", "authorization_code", "code", code.code(),
                "redirect_uri", CALLBACK, "code_verifier", code.pkce().verifier()));
    }

    static HttpResponse<String> refresh(String refreshToken) throws Exception {
        return token(acme, app, secret, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    static HttpResponse<String> userInfo(TestDeployment.TenantWithKey tenant, String accessToken) throws Exception {
        return api.send(HttpRequest.newBuilder(api.uri("/t/" + tenant.slug() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken).GET().build());
    }

    static JsonNode json(HttpResponse<String> res, int expected) throws Exception {
        assertEquals(expected, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body());
    }

    static void assertInvalidGrant(HttpResponse<String> res) throws Exception {
        assertEquals("invalid_grant", json(res, 400).get("error").asText(), res.body());
        assertFalse(res.body().contains("access_token"));
    }

    /** What a relying party checks in an ID token: signature via the JWKS, typ, issuer, audience, nonce, expiry. */
    static JWTClaimsSet verifyIdToken(String idToken, JWKSet jwks, String issuer, String nonce) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(jwks)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(app, new JWTClaimsSet.Builder()
                .issuer(issuer).claim("nonce", nonce).build(), Set.of("sub", "exp", "iat", "auth_time")));
        return processor.process(idToken, null);
    }

    @Test
    void relyingPartyRunsDiscoveryAuthorizeTokenUserinfoAndRefresh() throws Exception {
        JsonNode discovery = json(api.send(HttpRequest.newBuilder(api.uri("/t/" + acme.slug()
                + "/.well-known/openid-configuration")).GET().build()), 200);
        assertEquals(issuer(acme), discovery.get("issuer").asText());
        assertTrue(discovery.get("grant_types_supported").toString().contains("client_credentials"));
        String authorizePath = URI.create(discovery.get("authorization_endpoint").asText()).getPath();
        JWKSet jwks = JWKSet.parse(api.send(HttpRequest.newBuilder(URI.create(discovery.get("jwks_uri").asText()))
                .GET().build()).body());

        // Not signed in: the provider sends the browser to sign in, then back to the same request.
        Browser browser = new Browser();
        Pkce pkce = Pkce.create();
        String state = random();
        String nonce = random();
        var first = browser.send("GET", authorizePath + "?" + query(authorizeParameters(app, CALLBACK, pkce, state,
                nonce)), null, null);
        assertEquals(303, first.statusCode(), first.body());
        String signIn = first.headers().firstValue("Location").orElseThrow();
        assertTrue(signIn.startsWith("/t/" + acme.slug() + "/signin?return_to="), signIn);
        String returnTo = URLDecoder.decode(signIn.substring(signIn.indexOf('=') + 1), StandardCharsets.UTF_8);
        var page = browser.send("GET", signIn, null, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("data-return-to=\"" + returnTo.replace("&", "&amp;") + "\""), page.body());
        // What the page's script does: the ceremony, posting the page's return_to along.
        assignedKey.counter++;
        String challenge = PasskeySignInTest.challenge(browser, acme);
        JsonNode signedIn = browser.json("/t/" + acme.slug() + "/webauthn/authentication", Map.of("credential",
                assignedKey.assertion(challenge, origin, "localhost", PasskeySignInTest.UP_UV), "returnTo", returnTo),
                200);
        assertEquals(returnTo, signedIn.get("redirect").asText(), "sign-in returns to the authorization request");
        Map<String, String> answer = redirectParameters(browser.send("GET", returnTo, null, null), CALLBACK);
        assertEquals(state, answer.get("state"));

        JsonNode tokens = json(token(acme, app, secret, Map.of("grant_type", "authorization_code", "code",
                answer.get("code"), "redirect_uri", CALLBACK, "code_verifier", pkce.verifier())), 200);
        JWTClaimsSet id = verifyIdToken(tokens.get("id_token").asText(), jwks, issuer(acme), nonce);
        assertEquals(assignedUser, id.getSubject());
        assertEquals(List.of(app), id.getAudience());
        assertTrue(id.getExpirationTime().after(new java.util.Date()));
        assertEquals("Bearer", tokens.get("token_type").asText());

        JsonNode claims = json(userInfo(acme, tokens.get("access_token").asText()), 200);
        assertEquals(assignedUser, claims.get("sub").asText());
        assertEquals("ada", claims.get("preferred_username").asText());
        assertEquals("ada@example.com", claims.get("email").asText());

        JsonNode refreshed = json(refresh(tokens.get("refresh_token").asText()), 200);
        assertNotEquals(tokens.get("refresh_token").asText(), refreshed.get("refresh_token").asText());
        assertEquals(200, userInfo(acme, refreshed.get("access_token").asText()).statusCode());
        JsonNode again = json(refresh(refreshed.get("refresh_token").asText()), 200);
        assertEquals(200, userInfo(acme, again.get("access_token").asText()).statusCode());
    }

    /** The Nimbus OAuth 2.0 SDK as the relying party: discovery, PKCE + nonce + state, code, ID token, userinfo, refresh. */
    @Test
    void nimbusRelyingPartyInterop() throws Exception {
        OIDCProviderMetadata provider = OIDCProviderMetadata.resolve(new Issuer(issuer(acme)));
        assertEquals(issuer(acme), provider.getIssuer().getValue());
        ClientID clientId = new ClientID(app);
        ClientSecretBasic clientAuth = new ClientSecretBasic(clientId, new Secret(secret));
        CodeVerifier verifier = new CodeVerifier();
        Nonce nonce = new Nonce();
        State state = new State();
        URI request = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "profile", "email"),
                clientId, URI.create(CALLBACK))
                .endpointURI(provider.getAuthorizationEndpointURI()).state(state).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();

        Browser browser = signedIn(assignedKey);
        var redirect = browser.send("GET", request.getRawPath() + "?" + request.getRawQuery(), null, null);
        assertEquals(303, redirect.statusCode(), redirect.body());
        AuthenticationResponse response = AuthenticationResponseParser.parse(
                URI.create(redirect.headers().firstValue("Location").orElseThrow()));
        assertTrue(response.indicatesSuccess(), response.toString());
        AuthenticationSuccessResponse success = response.toSuccessResponse();
        assertEquals(state, success.getState());
        assertEquals(provider.getIssuer(), success.getIssuer());

        TokenResponse tokenResponse = OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(),
                clientAuth, new AuthorizationCodeGrant(success.getAuthorizationCode(), URI.create(CALLBACK), verifier))
                .toHTTPRequest().send());
        assertTrue(tokenResponse.indicatesSuccess(), tokenResponse.toString());
        OIDCTokens tokens = ((OIDCTokenResponse) tokenResponse.toSuccessResponse()).getOIDCTokens();
        IDTokenClaimsSet id = new IDTokenValidator(provider.getIssuer(), clientId, JWSAlgorithm.ES256,
                provider.getJWKSetURI().toURL()).validate(tokens.getIDToken(), nonce);
        assertEquals(assignedUser, id.getSubject().getValue());
        assertNotNull(id.getAuthenticationTime());

        UserInfoResponse userInfo = UserInfoResponse.parse(new UserInfoRequest(provider.getUserInfoEndpointURI(),
                tokens.getBearerAccessToken()).toHTTPRequest().send());
        assertTrue(userInfo.indicatesSuccess(), userInfo.toString());
        UserInfo claims = userInfo.toSuccessResponse().getUserInfo();
        assertEquals(assignedUser, claims.getSubject().getValue());
        assertEquals("ada", claims.getPreferredUsername());

        TokenResponse refreshed = TokenResponse.parse(new TokenRequest(provider.getTokenEndpointURI(), clientAuth,
                new RefreshTokenGrant(tokens.getRefreshToken())).toHTTPRequest().send());
        assertTrue(refreshed.indicatesSuccess(), refreshed.toString());
        assertNotEquals(tokens.getRefreshToken(), refreshed.toSuccessResponse().getTokens().getRefreshToken());
        TokenResponse reused = TokenResponse.parse(new TokenRequest(provider.getTokenEndpointURI(), clientAuth,
                new RefreshTokenGrant(tokens.getRefreshToken())).toHTTPRequest().send());
        assertEquals(OAuth2Error.INVALID_GRANT.getCode(), reused.toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void aReplayedCodeIsRefusedAndRevokesWhatItIssued() throws Exception {
        Code code = code(signedIn(assignedKey));
        JsonNode tokens = json(redeem(code), 200);
        assertInvalidGrant(redeem(code));
        assertInvalidGrant(refresh(tokens.get("refresh_token").asText()));
        assertEquals(401, userInfo(acme, tokens.get("access_token").asText()).statusCode());
        assertTrue(PasskeySignInTest.eventKinds(acme, app).contains("authorization-code.replayed"));
    }

    @Test
    void refreshTokenReuseRevokesTheWholeFamily() throws Exception {
        JsonNode tokens = json(redeem(code(signedIn(assignedKey))), 200);
        JsonNode rotated = json(refresh(tokens.get("refresh_token").asText()), 200);
        assertInvalidGrant(refresh(tokens.get("refresh_token").asText())); // the stolen, already used token
        assertInvalidGrant(refresh(rotated.get("refresh_token").asText())); // the legitimate one dies with it
        assertEquals(401, userInfo(acme, rotated.get("access_token").asText()).statusCode());
        assertTrue(PasskeySignInTest.eventKinds(acme, app).contains("refresh-token.reuse-detected"));
    }

    @Test
    void anUnregisteredRedirectUriGetsAnErrorPageAndNoRedirect() throws Exception {
        Browser browser = signedIn(assignedKey);
        String otherApp = createApp(acme, "https://other.example/cb");
        for (String uri : List.of("https://evil.example/callback", CALLBACK + "/", CALLBACK + "?x=1",
                "https://other.example/cb", "HTTPS://rp.example/callback")) {
            var res = authorize(browser, acme, authorizeParameters(app, uri, Pkce.create(), "s", "n"));
            assertEquals(400, res.statusCode(), uri);
            assertTrue(res.headers().firstValue("Location").isEmpty(), uri);
        }
        // Another tenant's client id is no client here.
        String rivalApp = createApp(rival, CALLBACK);
        var foreign = authorize(browser, acme, authorizeParameters(rivalApp, CALLBACK, Pkce.create(), "s", "n"));
        assertEquals(400, foreign.statusCode());
        assertTrue(foreign.headers().firstValue("Location").isEmpty());
        assertEquals(400, authorize(browser, acme, authorizeParameters(otherApp, CALLBACK, Pkce.create(), "s", "n"))
                .statusCode());
    }

    @Test
    void pkceIsRequiredAsS256AndTheVerifierMustMatch() throws Exception {
        Browser browser = signedIn(assignedKey);
        Pkce pkce = Pkce.create();
        Map<String, String> none = authorizeParameters(app, CALLBACK, pkce, "s", "n");
        none.remove("code_challenge");
        none.remove("code_challenge_method");
        assertEquals("invalid_request", redirectParameters(authorize(browser, acme, none), CALLBACK).get("error"));
        Map<String, String> plain = authorizeParameters(app, CALLBACK, pkce, "s", "n");
        plain.put("code_challenge", pkce.verifier());
        plain.put("code_challenge_method", "plain");
        Map<String, String> refused = redirectParameters(authorize(browser, acme, plain), CALLBACK);
        assertEquals("invalid_request", refused.get("error"));
        assertFalse(refused.containsKey("code"));

        Code code = code(browser);
        assertInvalidGrant(token(acme, app, secret, Map.of("grant_type", "authorization_code", "code", code.code(),
                "redirect_uri", CALLBACK, "code_verifier", Pkce.create().verifier())));
        assertInvalidGrant(redeem(code)); // a failed redemption still used the code up

        Code other = code(browser);
        assertInvalidGrant(token(acme, app, secret, Map.of("grant_type", "authorization_code", "code", other.code(),
                "redirect_uri", CALLBACK + "/", "code_verifier", other.pkce().verifier())));
    }

    @Test
    void onlyAssignedUsersGetACode() throws Exception {
        String bob = PasskeySignInTest.createUser(acme, "bob");
        SoftwareAuthenticator bobKey = PasskeySignInTest.enroll(acme, bob);
        Browser browser = signedIn(bobKey);
        Map<String, String> denied = redirectParameters(authorize(browser, acme,
                authorizeParameters(app, CALLBACK, Pkce.create(), "st", "n")), CALLBACK);
        assertEquals("access_denied", denied.get("error"));
        assertEquals("st", denied.get("state"));
        assertFalse(denied.containsKey("code"));
        assertEquals("0", deployment.queryAsOwner("eu", "select count(*) from oauth_codes where user_id = '" + bob
                + "'"));

        // Through a group, bob may.
        var group = api.as(acme.key(), "POST", "/t/" + acme.slug() + "/v1/groups", "{\"displayName\":\"Sales\"}");
        assertEquals(201, group.statusCode(), group.body());
        String groupId = Json.MAPPER.readTree(group.body()).get("id").asText();
        assertEquals(204, api.as(acme.key(), "PUT", "/t/" + acme.slug() + "/v1/groups/" + groupId + "/members/" + bob,
                null).statusCode());
        assertEquals(204, api.as(acme.key(), "PUT", "/t/" + acme.slug() + "/v1/apps/" + app + "/assignments/groups/"
                + groupId, null).statusCode());
        assertTrue(redirectParameters(authorize(browser, acme, authorizeParameters(app, CALLBACK, Pkce.create(), "s",
                "n")), CALLBACK).containsKey("code"));
    }

    @Test
    void anExpiredCodeIsRefused() throws Exception {
        Code code = code(signedIn(assignedKey));
        assertEquals("1", deployment.queryAsOwner("eu", "with u as (update oauth_codes set usable_until = now()"
                + " - interval '1 second', created_at = now() - interval '61 seconds' where code_hash = '\\x"
                + java.util.HexFormat.of().formatHex(Digests.sha256(code.code())) + "' returning 1)"
                + " select count(*) from u"));
        assertInvalidGrant(redeem(code));
    }

    @Test
    void promptNoneWithoutASessionAnswersLoginRequired() throws Exception {
        Map<String, String> p = authorizeParameters(app, CALLBACK, Pkce.create(), "s1", "n");
        p.put("prompt", "none");
        Map<String, String> answer = redirectParameters(authorize(new Browser(), acme, p), CALLBACK);
        assertEquals("login_required", answer.get("error"));
        assertEquals("s1", answer.get("state"));
    }

    @Test
    void promptLoginSendsASignedInUserToSignInAgainWithoutLooping() throws Exception {
        Map<String, String> p = authorizeParameters(app, CALLBACK, Pkce.create(), "s2", "n");
        p.put("prompt", "login");
        var res = authorize(signedIn(assignedKey), acme, p);
        assertEquals(303, res.statusCode(), res.body());
        String location = res.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/t/" + acme.slug() + "/signin?return_to="), location);
        String returnTo = URLDecoder.decode(location.substring(location.indexOf('=') + 1), StandardCharsets.UTF_8);
        assertTrue(returnTo.startsWith("/t/" + acme.slug() + "/authorize?"), returnTo);
        assertFalse(returnTo.contains("prompt"), returnTo);
        assertTrue(returnTo.contains("state=s2"), returnTo);
    }

    @Test
    void forgedOrForeignAccessTokensGetNoUserinfo() throws Exception {
        JsonNode tokens = json(redeem(code(signedIn(assignedKey))), 200);
        String access = tokens.get("access_token").asText();
        String[] parts = access.split("\\.");
        JsonNode payload = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.toString()
                .replace(assignedUser, "00000000-0000-0000-0000-000000000001").getBytes(StandardCharsets.UTF_8));
        assertEquals(401, userInfo(acme, parts[0] + "." + forgedPayload + "." + parts[2]).statusCode());
        assertEquals(401, userInfo(acme, parts[0] + "." + parts[1] + ".").statusCode());
        assertEquals(401, userInfo(acme, tokens.get("id_token").asText()).statusCode(), "an ID token is no access token");
        assertEquals(401, userInfo(rival, access).statusCode(), "another tenant does not accept it");
        var noToken = api.send(HttpRequest.newBuilder(api.uri("/t/" + acme.slug() + "/userinfo")).GET().build());
        assertEquals(401, noToken.statusCode());
        assertTrue(noToken.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        // A client_credentials token names a client, not a user.
        JsonNode cc = json(token(acme, app, secret, Map.of("grant_type", "client_credentials")), 200);
        assertEquals(401, userInfo(acme, cc.get("access_token").asText()).statusCode());
        assertEquals(200, userInfo(acme, access).statusCode(), "the genuine token still works");
    }

    @Test
    void logoutEndsTheSessionAndReturnsOnlyToARegisteredUri() throws Exception {
        Browser browser = signedIn(assignedKey);
        JsonNode tokens = json(redeem(code(browser)), 200);
        String idToken = tokens.get("id_token").asText();
        var refused = browser.send("GET", "/t/" + acme.slug() + "/logout?" + query(Map.of("id_token_hint", idToken,
                "post_logout_redirect_uri", "https://evil.example/")), null, null);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.headers().firstValue("Location").isEmpty());
        assertTrue(browser.cookies.containsKey(iru.application.session.Sessions.COOKIE));

        // The refused logout revoked nothing.
        JsonNode rotated = json(refresh(tokens.get("refresh_token").asText()), 200);

        Map<String, String> back = redirectParameters(browser.send("GET", "/t/" + acme.slug() + "/logout?"
                + query(Map.of("id_token_hint", idToken, "post_logout_redirect_uri", CALLBACK, "state", "bye")), null,
                null), CALLBACK);
        assertEquals("bye", back.get("state"));
        assertInvalidGrant(refresh(rotated.get("refresh_token").asText()));
        assertEquals(401, userInfo(acme, rotated.get("access_token").asText()).statusCode(),
                "the grant's access tokens die with it");
        Map<String, String> p = authorizeParameters(app, CALLBACK, Pkce.create(), "s", "n");
        p.put("prompt", "none");
        assertEquals("login_required", redirectParameters(authorize(browser, acme, p), CALLBACK).get("error"),
                "the session is over");
    }

    static String csrf(Browser browser) throws Exception {
        String page = browser.send("GET", "/t/" + acme.slug() + "/account", null, null).body();
        return page.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    }

    static void signOut(Browser browser) throws Exception {
        assertEquals(303, browser.form("/t/" + acme.slug() + "/signout", "csrf=" + csrf(browser)).statusCode());
    }

    static String grantCount(String userId) throws Exception {
        return deployment.queryAsOwner("eu", "select count(*) from oauth_grants where user_id = '" + userId + "'");
    }

    @Test
    void signingOutRevokesTheRefreshTokensOfThatSessionOnly() throws Exception {
        Browser browser = signedIn(assignedKey);
        Browser otherDevice = signedIn(assignedKey);
        JsonNode tokens = json(redeem(code(browser)), 200);
        JsonNode otherTokens = json(redeem(code(otherDevice)), 200);
        // A form post without the session's token signs nobody out and revokes nothing.
        assertEquals(403, browser.form("/t/" + acme.slug() + "/signout", "csrf=" + "A".repeat(43)).statusCode());
        JsonNode rotated = json(refresh(tokens.get("refresh_token").asText()), 200);

        signOut(browser);
        assertInvalidGrant(refresh(rotated.get("refresh_token").asText()));
        assertEquals(401, userInfo(acme, rotated.get("access_token").asText()).statusCode());
        assertEquals(200, refresh(otherTokens.get("refresh_token").asText()).statusCode(),
                "the other session's grant lives on");
    }

    @Test
    void aCodeRedeemedAfterItsSessionEndedIsRefused() throws Exception {
        Browser browser = signedIn(assignedKey);
        Code code = code(browser);
        String before = grantCount(assignedUser);
        signOut(browser);
        assertInvalidGrant(redeem(code));
        assertEquals(before, grantCount(assignedUser), "no grant outlives the session");
    }

    @Test
    void revokingAUsersSessionsRevokesAllTheirRefreshTokensAndNoOneElses() throws Exception {
        String cy = PasskeySignInTest.createUser(acme, "cy");
        SoftwareAuthenticator cyKey = PasskeySignInTest.enroll(acme, cy);
        assertEquals(204, api.as(acme.key(), "PUT", "/t/" + acme.slug() + "/v1/apps/" + app
                + "/assignments/users/" + cy, null).statusCode());
        JsonNode first = json(redeem(code(signedIn(cyKey))), 200);
        JsonNode second = json(redeem(code(signedIn(cyKey))), 200);
        JsonNode ada = json(redeem(code(signedIn(assignedKey))), 200);
        // Another tenant's key cannot revoke them.
        assertEquals(404, api.as(rival.key(), "DELETE", "/t/" + rival.slug() + "/v1/users/" + cy + "/sessions", null)
                .statusCode());
        assertEquals("2", grantCount(cy));

        assertEquals(204, api.as(acme.key(), "DELETE", "/t/" + acme.slug() + "/v1/users/" + cy + "/sessions", null)
                .statusCode());
        assertInvalidGrant(refresh(first.get("refresh_token").asText()));
        assertInvalidGrant(refresh(second.get("refresh_token").asText()));
        assertEquals(401, userInfo(acme, second.get("access_token").asText()).statusCode());
        assertEquals("0", grantCount(cy));
        assertEquals(200, refresh(ada.get("refresh_token").asText()).statusCode(), "another user's grant lives on");
        assertTrue(Json.MAPPER.readTree(api.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/events?kind=sessions.revoked"
                + "&subject=" + cy, null).body()).toString().contains("\"grantsRevoked\":\"2\""));
    }

    @Test
    void authorizeGrantsOnlyTheClientsAllowedScopes() throws Exception {
        String scoped = createApp(acme, CALLBACK);
        assertEquals(204, api.as(acme.key(), "PUT", "/t/" + acme.slug() + "/v1/apps/" + scoped
                + "/assignments/users/" + assignedUser, null).statusCode());
        JsonNode created = json(api.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/apps/" + scoped, null), 200);
        assertEquals("[\"openid\",\"profile\",\"email\"]", created.get("allowedScopes").toString());
        Browser browser = signedIn(assignedKey);
        Map<String, String> p = authorizeParameters(scoped, CALLBACK, Pkce.create(), "s3", "n");
        p.put("scope", "openid profile payroll:read");
        Map<String, String> refused = redirectParameters(authorize(browser, acme, p), CALLBACK);
        assertEquals("invalid_scope", refused.get("error"));
        assertEquals("s3", refused.get("state"));
        assertFalse(refused.containsKey("code"));
        assertEquals("0", deployment.queryAsOwner("eu", "select count(*) from oauth_codes where client_id = '"
                + scoped + "'"));

        // Invalid lists are refused and change nothing.
        String etag = api.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/apps/" + scoped, null).headers()
                .firstValue("ETag").orElseThrow();
        for (String bad : List.of("[\"two words\"]", "[\"openid\",\"openid\"]", "[\"\"]", "[\"a\\\\b\"]", "\"openid\"",
                "[1]")) {
            var res = api.send(HttpRequest.newBuilder(api.uri("/t/" + acme.slug() + "/v1/apps/" + scoped))
                    .header("Authorization", "Bearer " + acme.key())
                    .header("Content-Type", "application/merge-patch+json").header("If-Match", etag)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"allowedScopes\":" + bad + "}")).build());
            assertEquals(422, res.statusCode(), bad + " " + res.body());
            assertEquals("allowedScopes", Json.MAPPER.readTree(res.body()).get("field").asText(), bad);
        }
        var patched = api.send(HttpRequest.newBuilder(api.uri("/t/" + acme.slug() + "/v1/apps/" + scoped))
                .header("Authorization", "Bearer " + acme.key())
                .header("Content-Type", "application/merge-patch+json").header("If-Match", etag)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "{\"allowedScopes\":[\"openid\",\"profile\",\"payroll:read\"]}")).build());
        assertEquals(200, patched.statusCode(), patched.body());
        Map<String, String> granted = redirectParameters(authorize(browser, acme, p), CALLBACK);
        assertTrue(granted.containsKey("code"), granted.toString());
        // email is no longer allowed for this client.
        p.put("scope", "openid email");
        assertEquals("invalid_scope", redirectParameters(authorize(browser, acme, p), CALLBACK).get("error"));
    }
}
