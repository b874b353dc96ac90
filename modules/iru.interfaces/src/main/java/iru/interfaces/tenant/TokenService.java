package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.oauth.ClientAssertions;
import iru.application.oauth.InvalidGrantException;
import iru.application.oauth.InvalidScopeException;
import iru.application.oauth.OAuthClients;
import iru.application.oauth.OAuthClients.AuthenticatedClient;
import iru.application.oauth.OidcProvider;
import iru.domain.tenant.TenantLocation;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemType;
import iru.interfaces.http.StorableText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * `POST /t/{slug}/token`, the OAuth 2.0 token endpoint. Declared `security: []` in the OpenAPI document because the
 * client authenticates here, not through the API-key filter: `client_secret_basic`, `client_secret_post` or
 * `private_key_jwt`, exactly one. Errors are RFC 6749 §5.2 JSON, not problem+json, because that is what OAuth clients parse. Failed client
 * authentications are rate-limited per source address and per tenant.
 */
public final class TokenService implements HttpService {
    private static final int MAX_FORM_BYTES = 8192;
    /** RFC 6749 §3.3: space-separated scope tokens of printable ASCII without `"` and `\`. */
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*");
    private static final int MAX_SCOPE = 1000;

    private final OAuthClients clients;
    private final ClientAssertions assertions;
    private final OidcProvider provider;
    private final FailedAuthentications failures;

    public TokenService(OAuthClients clients, ClientAssertions assertions, OidcProvider provider,
            FailedAuthentications failures) {
        this.clients = clients;
        this.assertions = assertions;
        this.provider = provider;
        this.failures = failures;
    }

    /** How the client proves itself: a secret (Basic or form), or a signed assertion (`private_key_jwt`). */
    private sealed interface Credentials {
    }

    private record SecretCredentials(String clientId, String secret) implements Credentials {
    }

    private record AssertionCredentials(Optional<String> clientId, String assertion) implements Credentials {
    }

    /** An RFC 6749 §5.2 error response. */
    static final class OAuthError extends RuntimeException {
        final int status;
        final String code;

        OAuthError(int status, String code, String description) {
            super(description, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{slug}/token", this::token);
    }

    private void token(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.PRAGMA, "no-cache");
        try {
            Map<String, String> form = form(req);
            TenantLocation tenant = ResolvedTenant.current();
            Optional<AuthenticatedClient> client = authenticate(req, res, tenant, form);
            if (client.isEmpty()) {
                return; // refused by the rate limit, answered already
            }
            String grantType = form.get("grant_type");
            if (grantType == null) {
                throw new OAuthError(400, "invalid_request", "grant_type is required");
            }
            switch (grantType) {
                case "client_credentials" -> send(res, clients.clientCredentials(tenant, client.get(), scope(form)));
                case "authorization_code" -> send(res, provider.redeemCode(tenant, client.get().id(),
                        required(form, "code"), required(form, "redirect_uri"), required(form, "code_verifier")));
                case "refresh_token" -> send(res, provider.refresh(tenant, client.get().id(),
                        required(form, "refresh_token")));
                default -> throw new OAuthError(400, "unsupported_grant_type",
                        "this token endpoint supports authorization_code, refresh_token and client_credentials");
            }
        } catch (InvalidGrantException e) {
            sendError(res, 400, "invalid_grant", e.getMessage());
        } catch (InvalidScopeException e) {
            sendError(res, 400, "invalid_scope", e.getMessage());
        } catch (OAuthError e) {
            if (e.status == 401) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + ResolvedTenant.current().slug().value()
                        + "\", error=\"invalid_client\"");
            }
            sendError(res, e.status, e.code, e.getMessage());
        }
    }

    private static void sendError(ServerResponse res, int status, String code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        Json.send(res, status, body);
    }

    private static String required(Map<String, String> form, String name) {
        String value = form.get(name);
        if (value == null) {
            throw new OAuthError(400, "invalid_request", name + " is required");
        }
        return value;
    }

    private static void send(ServerResponse res, OidcProvider.TokenSet tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.expiresIn().toSeconds());
        body.put("refresh_token", tokens.refreshToken());
        tokens.idToken().ifPresent(t -> body.put("id_token", t));
        body.put("scope", tokens.scope());
        Json.send(res, 200, body);
    }

    /**
     * The authenticated client, or empty when the rate limit refused (and answered 429). Every client must
     * authenticate, with exactly one method: `client_secret_basic`, `client_secret_post` or `private_key_jwt`.
     */
    private Optional<AuthenticatedClient> authenticate(ServerRequest req, ServerResponse res, TenantLocation tenant,
            Map<String, String> form) {
        Credentials credentials = credentials(req, form);
        return switch (failures.admit(FailedAuthentications.sourceOf(req), "oauth-client:" + tenant.id())) {
            case FailedAuthentications.Refused refused -> {
                long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
                res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
                Json.sendProblem(res, Problem.of(ProblemType.TOO_MANY_FAILED_AUTHENTICATIONS,
                        "Too many failed client authentications from this address or for this tenant; retry after "
                                + seconds + " s.").with("retryAfterSeconds", seconds), req.path().path());
                yield Optional.empty();
            }
            case FailedAuthentications.Admitted admitted -> {
                Optional<AuthenticatedClient> client = switch (credentials) {
                    case SecretCredentials secret -> clients.authenticate(tenant, secret.clientId(), secret.secret());
                    case AssertionCredentials assertion -> assertions.authenticate(tenant, assertion.assertion(),
                            assertion.clientId());
                };
                if (client.isEmpty()) {
                    throw new OAuthError(401, "invalid_client", "client authentication failed");
                }
                admitted.succeeded();
                yield client;
            }
        };
    }

    private static Credentials credentials(ServerRequest req, Map<String, String> form) {
        Optional<String> basic = req.headers().first(HeaderNames.AUTHORIZATION);
        boolean assertion = form.containsKey("client_assertion") || form.containsKey("client_assertion_type");
        if (basic.isPresent() ? form.containsKey("client_secret") || assertion
                : form.containsKey("client_secret") && assertion) {
            throw new OAuthError(400, "invalid_request", "use one client authentication method, not two");
        }
        if (assertion) {
            if (!ClientAssertions.ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
                throw new OAuthError(400, "invalid_request", "client_assertion_type must be "
                        + ClientAssertions.ASSERTION_TYPE);
            }
            return new AssertionCredentials(Optional.ofNullable(form.get("client_id")),
                    required(form, "client_assertion"));
        }
        if (basic.isPresent()) {
            String[] pair = basicCredentials(basic.get());
            if (form.containsKey("client_id") && !form.get("client_id").equals(pair[0])) {
                throw new OAuthError(400, "invalid_request", "client_id differs from the authenticated client");
            }
            return new SecretCredentials(pair[0], pair[1]);
        }
        if (form.get("client_id") == null || form.get("client_secret") == null) {
            throw new OAuthError(401, "invalid_client", "client authentication is required");
        }
        return new SecretCredentials(form.get("client_id"), form.get("client_secret"));
    }

    /** RFC 6749 §2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`. */
    private static String[] basicCredentials(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new OAuthError(401, "invalid_client", "only the Basic scheme authenticates clients here");
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
            }
            String[] pair = {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
            if (!StorableText.storable(pair[0]) || !StorableText.storable(pair[1])) {
                throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
            }
            return pair;
        } catch (IllegalArgumentException e) {
            throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
        }
    }

    private static Optional<String> scope(Map<String, String> form) {
        String scope = form.get("scope");
        if (scope == null) {
            return Optional.empty();
        }
        if (scope.length() > MAX_SCOPE || !SCOPE.matcher(scope).matches()) {
            throw new OAuthError(400, "invalid_scope", "scope must be space-separated scope tokens");
        }
        return Optional.of(scope);
    }

    private static void send(ServerResponse res, OAuthClients.AccessToken token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", token.expiresIn().toSeconds());
        token.scope().ifPresent(s -> body.put("scope", s));
        Json.send(res, 200, body);
    }

    /** The form body; RFC 6749 §3.2: a parameter sent twice is an invalid request. */
    private static Map<String, String> form(ServerRequest req) {
        String type = JsonRequest.mediaType(req);
        if (!type.equals("application/x-www-form-urlencoded")) {
            throw new OAuthError(400, "invalid_request", "send the request as application/x-www-form-urlencoded");
        }
        byte[] bytes;
        try {
            bytes = req.content().inputStream().readNBytes(MAX_FORM_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_FORM_BYTES) {
            throw new OAuthError(400, "invalid_request", "the request is too large");
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new OAuthError(400, "invalid_request", "the form is malformed");
            }
            if (!StorableText.storable(name) || !StorableText.storable(value)) {
                throw new OAuthError(400, "invalid_request", "the form contains a NUL character or invalid Unicode");
            }
            if (value.isEmpty()) {
                continue; // RFC 6749 §3.1: parameters sent without a value are treated as omitted
            }
            if (fields.putIfAbsent(name, value) != null) {
                throw new OAuthError(400, "invalid_request", name + " is sent more than once");
            }
        }
        return fields;
    }
}
