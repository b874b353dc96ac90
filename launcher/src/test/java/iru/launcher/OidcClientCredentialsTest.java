package iru.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jose.jwk.JWKSet;
import iru.interfaces.http.AuthenticationLimits;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Applications as OAuth clients: the client secret is shown once and rotates; the token endpoint authenticates the
 * client (Basic or form) and issues `client_credentials` access tokens that verify against the tenant's JWKS; a wrong
 * secret, a rotated-away secret or another tenant's client id gets `invalid_client` and nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcClientCredentialsTest {
    static final String BASE = "https://id.example.test";
    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane api;
    static TestDeployment.TenantWithKey acme;
    static TestDeployment.TenantWithKey rival;

    @BeforeAll
    static void start() throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
        deployment = TestDeployment.create("t_oidc_cc");
        var control = deployment.startControlWithCatalog(upstream);
        api = deployment.start(Plane.tenant, Map.of("IRU_PUBLIC_BASE_URL", BASE));
        acme = TestDeployment.createTenant(control, "cc-acme", "eu");
        rival = TestDeployment.createTenant(control, "cc-rival", "us");
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    static String createApp(TestDeployment.TenantWithKey tenant) throws Exception {
        return createApp(tenant, "");
    }

    /** `more`: further members of the creation body, each with a leading comma. */
    static String createApp(TestDeployment.TenantWithKey tenant, String more) throws Exception {
        var res = api.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/apps",
                "{\"templateKey\":\"slack\",\"displayName\":\"Slack\"" + more + "}");
        assertEquals(201, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("id").asText();
    }

    static String rotate(TestDeployment.TenantWithKey tenant, String appId) throws Exception {
        var res = api.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/apps/" + appId + "/client-secret", null);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(""));
        JsonNode body = Json.MAPPER.readTree(res.body());
        assertEquals(appId, body.get("clientId").asText());
        return body.get("clientSecret").asText();
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> token(TestDeployment.TenantWithKey tenant, String authorization, String form)
            throws Exception {
        var builder = HttpRequest.newBuilder(api.uri("/t/" + tenant.slug() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return api.send(builder.build());
    }

    static JWKSet jwks(TestDeployment.TenantWithKey tenant) throws Exception {
        var res = api.send(HttpRequest.newBuilder(api.uri("/t/" + tenant.slug() + "/.well-known/jwks.json")).GET()
                .build());
        assertEquals(200, res.statusCode(), res.body());
        return JWKSet.parse(res.body());
    }

    /** What a resource server does with an RFC 9068 access token: Nimbus, the JWKS, typ, issuer and expiry. */
    static JWTClaimsSet verifyAccessToken(TestDeployment.TenantWithKey tenant, String token) throws Exception {
        String issuer = BASE + "/t/" + tenant.slug();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(jwks(tenant))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(issuer,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat", "jti", "client_id")));
        return processor.process(token, null);
    }

    static void assertInvalidClient(HttpResponse<String> res) throws Exception {
        assertEquals(401, res.statusCode(), res.body());
        assertEquals("invalid_client", Json.MAPPER.readTree(res.body()).get("error").asText());
        assertTrue(res.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "));
        assertFalse(res.body().contains("access_token"), res.body());
    }

    @Test
    void clientCredentialsTokenVerifiesAgainstTheTenantsJwks() throws Exception {
        String app = createApp(acme, ",\"allowedScopes\":[\"reports.read\",\"reports.write\"]");
        String secret = rotate(acme, app);
        assertEquals(43, secret.length());

        var res = token(acme, basic(app, secret), "grant_type=client_credentials&scope=reports.read%20reports.write");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(""));
        JsonNode body = Json.MAPPER.readTree(res.body());
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals("reports.read reports.write", body.get("scope").asText());
        JWTClaimsSet claims = verifyAccessToken(acme, body.get("access_token").asText());
        assertEquals(app, claims.getSubject());
        assertEquals(app, claims.getStringClaim("client_id"));
        assertEquals("reports.read reports.write", claims.getStringClaim("scope"));
        long lifetime = claims.getExpirationTime().getTime() - claims.getIssueTime().getTime();
        assertTrue(lifetime >= 5 * 60_000 && lifetime <= 15 * 60_000, "lifetime " + lifetime);
        assertEquals(body.get("expires_in").asLong() * 1000, lifetime);
        assertTrue(jwks(rival).getKeyByKeyId(com.nimbusds.jwt.SignedJWT.parse(body.get("access_token").asText())
                .getHeader().getKeyID()) == null, "another tenant's JWKS does not verify it");

        var posted = token(acme, null, "grant_type=client_credentials&client_id=" + app + "&client_secret=" + secret);
        assertEquals(200, posted.statusCode(), posted.body());
        assertFalse(Json.MAPPER.readTree(posted.body()).has("scope"));
        verifyAccessToken(acme, Json.MAPPER.readTree(posted.body()).get("access_token").asText());

        var events = api.as(acme.key(), "GET", "/t/" + acme.slug() + "/v1/events?subject=" + app, null);
        assertTrue(events.body().contains("client-secret.rotated"), events.body());
    }

    @Test
    void wrongSecretsAndForeignClientsGetInvalidClientAndNothingElse() throws Exception {
        String app = createApp(acme);
        String secret = rotate(acme, app);
        String tampered = (secret.charAt(0) == 'A' ? "B" : "A") + secret.substring(1);
        assertInvalidClient(token(acme, basic(app, tampered), "grant_type=client_credentials"));
        assertInvalidClient(token(acme, null, "grant_type=client_credentials&client_id=" + app + "&client_secret="
                + tampered));
        assertInvalidClient(token(acme, null, "grant_type=client_credentials&client_id=" + app));
        assertInvalidClient(token(acme, null, "grant_type=client_credentials"));
        assertInvalidClient(token(acme, basic("not-a-uuid", secret), "grant_type=client_credentials"));
        // The same client id and the right secret, at another tenant's token endpoint.
        assertInvalidClient(token(rival, basic(app, secret), "grant_type=client_credentials"));
        // An application that never got a secret is no client.
        String secretless = createApp(acme);
        assertInvalidClient(token(acme, basic(secretless, secret), "grant_type=client_credentials"));
    }

    @Test
    void clientCredentialsGetOnlyTheClientsAllowedScopes() throws Exception {
        String app = createApp(acme, ",\"allowedScopes\":[\"reports.read\"]");
        String secret = rotate(acme, app);
        for (String scope : java.util.List.of("reports.write", "reports.read%20reports.write", "openid", "reports")) {
            var refused = token(acme, basic(app, secret), "grant_type=client_credentials&scope=" + scope);
            assertEquals(400, refused.statusCode(), scope + " " + refused.body());
            assertEquals("invalid_scope", Json.MAPPER.readTree(refused.body()).get("error").asText());
            assertFalse(refused.body().contains("access_token"));
        }
        var granted = token(acme, basic(app, secret), "grant_type=client_credentials&scope=reports.read");
        assertEquals(200, granted.statusCode(), granted.body());
        assertEquals("reports.read", verifyAccessToken(acme, Json.MAPPER.readTree(granted.body())
                .get("access_token").asText()).getStringClaim("scope"));
        // The default allows what an OpenID Connect sign-in needs, nothing else.
        String plain = createApp(acme);
        String plainSecret = rotate(acme, plain);
        assertEquals(200, token(acme, basic(plain, plainSecret), "grant_type=client_credentials&scope=profile")
                .statusCode());
        assertEquals(400, token(acme, basic(plain, plainSecret), "grant_type=client_credentials&scope=reports.read")
                .statusCode());
    }

    @Test
    void rotationInvalidatesTheOldSecretAtOnce() throws Exception {
        String app = createApp(acme);
        String first = rotate(acme, app);
        assertEquals(200, token(acme, basic(app, first), "grant_type=client_credentials").statusCode());
        String second = rotate(acme, app);
        assertNotEquals(first, second);
        assertInvalidClient(token(acme, basic(app, first), "grant_type=client_credentials"));
        assertEquals(200, token(acme, basic(app, second), "grant_type=client_credentials").statusCode());
    }

    @Test
    void aDeletedApplicationIsNoLongerAClient() throws Exception {
        String app = createApp(acme);
        String secret = rotate(acme, app);
        assertEquals(204, api.as(acme.key(), "DELETE", "/t/" + acme.slug() + "/v1/apps/" + app, null).statusCode());
        assertInvalidClient(token(acme, basic(app, secret), "grant_type=client_credentials"));
    }

    @Test
    void malformedRequestsGetRfc6749Errors() throws Exception {
        String app = createApp(acme);
        String secret = rotate(acme, app);
        var unsupported = token(acme, basic(app, secret), "grant_type=password&username=a&password=b");
        assertEquals(400, unsupported.statusCode());
        assertEquals("unsupported_grant_type", Json.MAPPER.readTree(unsupported.body()).get("error").asText());
        var twice = token(acme, basic(app, secret), "grant_type=client_credentials&grant_type=client_credentials");
        assertEquals("invalid_request", Json.MAPPER.readTree(twice.body()).get("error").asText());
        var both = token(acme, basic(app, secret), "grant_type=client_credentials&client_secret=" + secret);
        assertEquals("invalid_request", Json.MAPPER.readTree(both.body()).get("error").asText());
        var missing = token(acme, basic(app, secret), "scope=x");
        assertEquals("invalid_request", Json.MAPPER.readTree(missing.body()).get("error").asText());
        var badScope = token(acme, basic(app, secret), "grant_type=client_credentials&scope=%22quoted%22");
        assertEquals("invalid_scope", Json.MAPPER.readTree(badScope.body()).get("error").asText());
    }

    @Test
    void onlyAnApiKeyWithAppsWriteRotatesAndUnknownAppsAre404() throws Exception {
        String app = createApp(acme);
        var noKey = api.send(HttpRequest.newBuilder(api.uri("/t/" + acme.slug() + "/v1/apps/" + app + "/client-secret"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(401, noKey.statusCode());
        var foreign = api.as(rival.key(), "POST", "/t/" + rival.slug() + "/v1/apps/" + app + "/client-secret", null);
        assertEquals(404, foreign.statusCode(), foreign.body());
        assertInvalidClient(token(rival, basic(app, ""), "grant_type=client_credentials"));
    }

    /** Runs last: it uses up this address's failure budget, which every other test here shares. */
    @Test
    @Order(Integer.MAX_VALUE)
    void guessingSecretsIsThrottledAndThrottledRequestsGetNothing() throws Exception {
        String app = createApp(acme);
        String secret = rotate(acme, app);
        int failures = 0;
        HttpResponse<String> res;
        do {
            res = token(acme, basic(app, "guess-" + failures), "grant_type=client_credentials");
            failures++;
        } while (res.statusCode() == 401 && failures <= AuthenticationLimits.DEFAULTS.failuresPerSource() + 5);
        assertEquals(429, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Retry-After").isPresent());
        var right = token(acme, basic(app, secret), "grant_type=client_credentials");
        assertEquals(429, right.statusCode(), "refused before the secret is checked");
        assertFalse(right.body().contains("access_token"));
    }
}
