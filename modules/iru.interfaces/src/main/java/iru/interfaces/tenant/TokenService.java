package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.oauth.InvalidGrantException;
import iru.application.oauth.OAuthClients;
import iru.application.oauth.OidcProvider;
import iru.domain.tenant.TenantLocation;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.http.Json;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * `POST /t/{slug}/token`, the OAuth 2.0 token endpoint. Declared `security: []` in the OpenAPI document because the
 * client authenticates here, not through the API-key filter: `client_secret_basic` or `client_secret_post`, never
 * both. Errors are RFC 6749 §5.2 JSON, not problem+json, because that is what OAuth clients parse. Failed client
 * authentications are rate-limited per source address and per tenant.
 */
public final class TokenService implements HttpService {
    private static final int MAX_FORM_BYTES = 8192;
    /** RFC 6749 §3.3: space-separated scope tokens of printable ASCII without `"` and `\`. */
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*");
    private static final int MAX_SCOPE = 1000;

    private final OAuthClients clients;
    private final OidcProvider provider;
    private final FailedAuthentications failures;

    public TokenService(OAuthClients clients, OidcProvider provider, FailedAuthentications failures) {
        this.clients = clients;
        this.provider = provider;
        this.failures = failures;
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
            Optional<UUID> client = authenticate(req, res, tenant, form);
            if (client.isEmpty()) {
                return; // refused by the rate limit, answered already
            }
            String grantType = form.get("grant_type");
            if (grantType == null) {
                throw new OAuthError(400, "invalid_request", "grant_type is required");
            }
            switch (grantType) {
                case "client_credentials" -> send(res, clients.clientCredentials(tenant, client.get(), scope(form)));
                case "authorization_code" -> send(res, provider.redeemCode(tenant, client.get(),
                        required(form, "code"), required(form, "redirect_uri"), required(form, "code_verifier")));
                case "refresh_token" -> send(res, provider.refresh(tenant, client.get(),
                        required(form, "refresh_token")));
                default -> throw new OAuthError(400, "unsupported_grant_type",
                        "this token endpoint supports authorization_code, refresh_token and client_credentials");
            }
        } catch (InvalidGrantException e) {
            sendError(res, 400, "invalid_grant", e.getMessage());
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
     * authenticate: all clients are confidential, with a secret.
     */
    private Optional<UUID> authenticate(ServerRequest req, ServerResponse res, TenantLocation tenant,
            Map<String, String> form) {
        Optional<String> basic = req.headers().first(HeaderNames.AUTHORIZATION);
        String clientId;
        String secret;
        if (basic.isPresent()) {
            if (form.containsKey("client_secret")) {
                throw new OAuthError(400, "invalid_request", "use one client authentication method, not two");
            }
            String[] pair = basicCredentials(basic.get());
            clientId = pair[0];
            secret = pair[1];
            if (form.containsKey("client_id") && !form.get("client_id").equals(clientId)) {
                throw new OAuthError(400, "invalid_request", "client_id differs from the authenticated client");
            }
        } else {
            clientId = form.get("client_id");
            secret = form.get("client_secret");
            if (clientId == null || secret == null) {
                throw new OAuthError(401, "invalid_client", "client authentication is required");
            }
        }
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
                Optional<UUID> client = clients.authenticate(tenant, clientId, secret);
                if (client.isEmpty()) {
                    throw new OAuthError(401, "invalid_client", "client authentication failed");
                }
                admitted.succeeded();
                yield client;
            }
        };
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
            return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
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
        String type = req.headers().contentType().map(t -> t.mediaType().text()).orElse("");
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
