package iru.interfaces.signin;

import com.nimbusds.jwt.JWTClaimsSet;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.oauth.OidcProvider;
import iru.application.session.Sessions;
import iru.application.session.SignedInUser;
import iru.domain.application.AllowedScopes;
import iru.domain.oauth.OAuthClientRepository.Registration;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.OidcSettings;
import iru.interfaces.tenant.ResolvedTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The OpenID Provider's browser endpoints: `GET /t/{slug}/authorize` (authorization code flow with PKCE S256) and
 * `GET /t/{slug}/logout` (RP-initiated logout). Declared `security: []`: the session cookie is read here, because a
 * missing session means "go sign in", not 401. A redirect goes only to a URI registered for the client, compared
 * exactly; anything else gets an error page, never a redirect.
 */
public final class AuthorizeService implements HttpService {
    /** RFC 7636: a S256 challenge is the base64url SHA-256, 43 characters. */
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int MAX_PARAMETER = 2000;

    private final OidcProvider provider;
    private final Sessions sessions;
    private final OidcSettings oidc;

    public AuthorizeService(OidcProvider provider, Sessions sessions, OidcSettings oidc) {
        this.provider = provider;
        this.sessions = sessions;
        this.oidc = oidc;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{slug}/authorize", this::authorize)
             .get("/t/{slug}/logout", this::logout);
    }

    private void authorize(ServerRequest req, ServerResponse res) {
        TenantLocation tenant = ResolvedTenant.current();
        Optional<UUID> clientId = param(req, "client_id").flatMap(AuthorizeService::uuid);
        Optional<String> redirectUri = param(req, "redirect_uri");
        if (clientId.isEmpty() || redirectUri.isEmpty()) {
            errorPage(res, "The request names no client or no redirect URI.");
            return;
        }
        Optional<Registration> registered = provider.registration(tenant, clientId.get());
        if (registered.isEmpty() || !registered.get().redirectUris().contains(redirectUri.get())) {
            errorPage(res, "The client is unknown, or the redirect URI is not one registered for it.");
            return;
        }
        String back = redirectUri.get();
        Optional<String> state = param(req, "state");
        if (!param(req, "response_type").equals(Optional.of("code"))) {
            redirect(res, back, error("unsupported_response_type", "only response_type=code is supported", state,
                    tenant));
            return;
        }
        String scope = param(req, "scope").orElse("");
        if (!Set.of(scope.split(" ")).contains("openid")) {
            redirect(res, back, error("invalid_scope", "scope must contain openid", state, tenant));
            return;
        }
        if (!AllowedScopes.cover(registered.get().allowedScopes(), scope)) {
            redirect(res, back, error("invalid_scope", "the client may ask only for its allowed scopes: "
                    + String.join(" ", registered.get().allowedScopes()), state, tenant));
            return;
        }
        Optional<String> challenge = param(req, "code_challenge");
        if (!param(req, "code_challenge_method").equals(Optional.of("S256")) || challenge.isEmpty()
                || !CHALLENGE.matcher(challenge.get()).matches()) {
            redirect(res, back, error("invalid_request", "PKCE with code_challenge_method=S256 is required", state,
                    tenant));
            return;
        }
        Set<String> prompt = Set.of(param(req, "prompt").orElse("").split(" "));
        if (prompt.contains("none") && prompt.size() > 1) {
            redirect(res, back, error("invalid_request", "prompt=none cannot be combined", state, tenant));
            return;
        }
        if (prompt.contains("login")) {
            // Sign in again, then come back to this request without prompt=login (else it would loop).
            signIn(req, res, tenant);
            return;
        }
        Optional<String> cookie = BrowserCookies.read(req, Sessions.COOKIE);
        Optional<SignedInUser> user = cookie.flatMap(c -> sessions.current(tenant, c));
        if (user.isEmpty()) {
            if (prompt.contains("none")) {
                redirect(res, back, error("login_required", "no one is signed in", state, tenant));
            } else {
                signIn(req, res, tenant);
            }
            return;
        }
        Optional<String> code = provider.issueCode(tenant, new OidcProvider.CodeRequest(clientId.get(), back,
                challenge.get(), param(req, "nonce"), scope), user.get().userId(), cookie.get());
        if (code.isEmpty()) {
            redirect(res, back, error("access_denied", "you are not assigned to this application", state, tenant));
            return;
        }
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("code", code.get());
        state.ifPresent(s -> answer.put("state", s));
        answer.put("iss", oidc.issuer(tenant.slug().value()));
        redirect(res, back, answer);
    }

    /**
     * RP-initiated logout: needs an ID token this tenant issued as `id_token_hint`. Ends the browser's session if it
     * is the hinted user's, and with it the grants (refresh tokens) issued under that session.
     */
    private void logout(ServerRequest req, ServerResponse res) {
        TenantLocation tenant = ResolvedTenant.current();
        Optional<JWTClaimsSet> hint = param(req, "id_token_hint").flatMap(t -> provider.idTokenHint(tenant, t));
        if (hint.isEmpty()) {
            errorPage(res, "Sign-out needs the id_token_hint of an ID token issued here.");
            return;
        }
        String client = hint.get().getAudience().getFirst();
        Optional<String> postLogout = param(req, "post_logout_redirect_uri");
        if (postLogout.isPresent()) {
            Optional<Registration> registered = uuid(client).flatMap(id -> provider.registration(tenant, id));
            if (registered.isEmpty() || !registered.get().redirectUris().contains(postLogout.get())) {
                errorPage(res, "The post-logout redirect URI is not one registered for the client.");
                return;
            }
        }
        Optional<String> cookie = BrowserCookies.read(req, Sessions.COOKIE);
        Optional<SignedInUser> user = cookie.flatMap(c -> sessions.current(tenant, c));
        // Only the person the ID token names is signed out; someone else's token ends nobody's session.
        if (user.isPresent() && user.get().userId().toString().equals(hint.get().getSubject())) {
            sessions.end(tenant, cookie.get(), user.get().userId());
            BrowserCookies.clear(res, Sessions.COOKIE);
        }
        if (postLogout.isPresent()) {
            Map<String, String> answer = new LinkedHashMap<>();
            param(req, "state").ifPresent(s -> answer.put("state", s));
            redirect(res, postLogout.get(), answer);
            return;
        }
        Pages.send(res, Pages.nonce(), 200, "Signed out", "", "<p>You are signed out.</p>");
    }

    private void signIn(ServerRequest req, ServerResponse res, TenantLocation tenant) {
        StringBuilder again = new StringBuilder("/t/" + tenant.slug().value() + "/authorize");
        char separator = '?';
        for (String name : req.query().names()) {
            if (!name.equals("prompt")) {
                again.append(separator).append(encode(name)).append('=').append(encode(req.query().get(name)));
                separator = '&';
            }
        }
        res.status(303);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.LOCATION, "/t/" + tenant.slug().value() + "/signin?return_to=" + encode(again.toString()));
        res.send();
    }

    private Map<String, String> error(String code, String description, Optional<String> state, TenantLocation tenant) {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("error", code);
        answer.put("error_description", description);
        state.ifPresent(s -> answer.put("state", s));
        answer.put("iss", oidc.issuer(tenant.slug().value()));
        return answer;
    }

    private static void redirect(ServerResponse res, String target, Map<String, String> parameters) {
        StringBuilder location = new StringBuilder(target);
        char separator = target.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            location.append(separator).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            separator = '&';
        }
        res.status(303);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.LOCATION, location.toString());
        res.send();
    }

    private static void errorPage(ServerResponse res, String message) {
        Pages.send(res, Pages.nonce(), 400, "Sign-in request refused", "", "<p>" + Pages.escape(message) + "</p>");
    }

    /** A single-valued parameter; sent twice or too long counts as absent (RFC 6749 §3.1). */
    private static Optional<String> param(ServerRequest req, String name) {
        List<String> values = req.query().contains(name) ? req.query().all(name) : List.of();
        return values.size() == 1 && !values.getFirst().isEmpty() && values.getFirst().length() <= MAX_PARAMETER
                ? Optional.of(values.getFirst()) : Optional.empty();
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return value.length() == 36 ? Optional.of(UUID.fromString(value)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
