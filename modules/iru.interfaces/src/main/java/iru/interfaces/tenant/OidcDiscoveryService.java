package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import com.nimbusds.jose.JWSAlgorithm;
import iru.application.oauth.ClientKeySet;
import iru.application.signing.SigningKeys;
import iru.foundation.config.OidcSettings;
import iru.interfaces.http.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tenant's public OpenID Connect metadata: the discovery document and the JWKS. Public by nature (relying
 * parties fetch them without credentials), so {@link ApiKeyAuthenticationFilter} exempts exactly these paths.
 */
public final class OidcDiscoveryService implements HttpService {
    static final String JWKS = "/.well-known/jwks.json";
    static final String DISCOVERY = "/.well-known/openid-configuration";
    /** The tenant-relative paths anyone may read; every other tenant path needs an API key. */
    static final Set<String> PUBLIC_PATHS = Set.of(JWKS, DISCOVERY);
    /**
     * Short, so a key published as `next` reaches relying parties quickly; activate a next key only after it has
     * been published at least this long.
     */
    public static final int JWKS_MAX_AGE_SECONDS = 300;
    private static final int DISCOVERY_MAX_AGE_SECONDS = 3600;

    private final SigningKeys keys;
    private final OidcSettings settings;

    public OidcDiscoveryService(SigningKeys keys, OidcSettings settings) {
        this.keys = keys;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{slug}" + DISCOVERY, this::discovery)
             .get("/t/{slug}" + JWKS, this::jwks);
    }

    private void jwks(ServerRequest req, ServerResponse res) {
        String set = keys.published(ResolvedTenant.current()).json();
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=" + JWKS_MAX_AGE_SECONDS);
        Json.sendSerialized(res, 200, set);
    }

    private void discovery(ServerRequest req, ServerResponse res) {
        String issuer = settings.issuer(ResolvedTenant.current().slug().value());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("authorization_endpoint", issuer + "/authorize");
        doc.put("token_endpoint", issuer + "/token");
        doc.put("userinfo_endpoint", issuer + "/userinfo");
        doc.put("jwks_uri", issuer + JWKS);
        doc.put("end_session_endpoint", issuer + "/logout");
        doc.put("response_types_supported", List.of("code"));
        doc.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
        doc.put("scopes_supported", List.of("openid", "profile", "email"));
        doc.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "azp",
                "at_hash", "preferred_username", "name", "email"));
        doc.put("prompt_values_supported", List.of("none", "login"));
        doc.put("authorization_response_iss_parameter_supported", true);
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("ES256"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("token_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
        doc.put("token_endpoint_auth_signing_alg_values_supported",
                ClientKeySet.ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList());
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=" + DISCOVERY_MAX_AGE_SECONDS);
        Json.send(res, 200, doc);
    }
}
