package iru.interfaces.signin;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.passkey.CeremonyFailedException;
import iru.application.passkey.PasskeyFeature;
import iru.application.passkey.PasskeyRegistration.CreationOptions;
import iru.application.passkey.PasskeySignIn.AssertionOptions;
import iru.application.passkey.PasskeySignIn.SignedIn;
import iru.application.session.Sessions;
import iru.domain.tenant.TenantLocation;
import iru.foundation.config.SignInSettings;
import iru.foundation.crypto.RandomTokens;
import iru.interfaces.http.FailedAuthentications;
import iru.interfaces.http.FailedAuthentications.Admitted;
import iru.interfaces.http.FailedAuthentications.Refused;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import iru.interfaces.tenant.ResolvedTenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The public passkey pages and ceremony endpoints of a tenant: `/t/{tenant}/enroll` and `/t/{tenant}/signin` (HTML
 * and one script), and the JSON steps they call. Every failure answers one generic problem (nothing tells whether
 * a user, credential or link exists); failed ceremonies count against the caller's address and the tenant
 * ({@link FailedAuthentications}).
 */
public final class SignInService implements HttpService {
    static final String GENERIC_FAILURE = "The passkey could not be verified. Try again, or ask for a new link.";

    private final PasskeyFeature passkeys;
    private final SignInSettings settings;
    private final FailedAuthentications failures;
    private final RandomTokens tokens;

    public SignInService(PasskeyFeature passkeys, SignInSettings settings, FailedAuthentications failures,
            RandomTokens tokens) {
        this.passkeys = passkeys;
        this.settings = settings;
        this.failures = failures;
        this.tokens = tokens;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{tenant}/enroll", this::enrollPage)
             .get("/t/{tenant}/signin", this::signInPage)
             .post("/t/{tenant}/webauthn/registration/options", this::registrationOptions)
             .post("/t/{tenant}/webauthn/registration", this::register)
             .post("/t/{tenant}/webauthn/authentication/options", this::authenticationOptions)
             .post("/t/{tenant}/webauthn/authentication", this::authenticate);
    }

    private void enrollPage(ServerRequest req, ServerResponse res) {
        presession(req, res);
        Pages.ceremony(res, "Add a passkey", "enroll", base(), "", "<p>Create a passkey for your "
                + Pages.escape(ResolvedTenant.current().slug().value()) + " account. Your device will ask you to"
                + " confirm with your fingerprint, face or screen lock.</p><p><label>Name <input id=\"name\""
                + " maxlength=\"100\" value=\"Passkey\"></label></p><p><button id=\"go\">Create passkey</button></p>");
    }

    private void signInPage(ServerRequest req, ServerResponse res) {
        presession(req, res);
        String returnTo = ReturnTo.validated(req.query().first("return_to").asOptional(),
                ResolvedTenant.current().slug().value());
        Pages.ceremony(res, "Sign in", "signin", base(), returnTo, "<p>Sign in to "
                + Pages.escape(ResolvedTenant.current().slug().value()) + " with your passkey.</p>"
                + "<p><button id=\"go\">Sign in with a passkey</button></p>");
    }

    private void registrationOptions(ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, Set.of("enrollmentToken"));
        String presession = presession(req, res);
        CreationOptions o = limited(req, res, () -> passkeys.registration().options(ResolvedTenant.current(),
                body.requiredString("enrollmentToken"), presession));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("challenge", o.challenge());
        json.put("rp", Map.of("id", o.rpId(), "name", ResolvedTenant.current().slug().value()));
        json.put("user", Map.of("id", o.userHandle(), "name", o.userName(), "displayName", o.displayName()));
        json.put("pubKeyCredParams", o.algorithms().stream().map(alg -> Map.of("type", "public-key", "alg", alg))
                .toList());
        json.put("authenticatorSelection", Map.of("residentKey", "required", "requireResidentKey", true,
                "userVerification", "required"));
        json.put("attestation", "none");
        json.put("timeout", o.timeoutMillis());
        json.put("excludeCredentials", o.excludeCredentialIds().stream()
                .map(id -> Map.of("type", "public-key", "id", id)).toList());
        noStore(res);
        Json.send(res, 200, json);
    }

    private void register(ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, Set.of("enrollmentToken", "name", "credential"));
        String credential = credential(body);
        String name = body.optionalString("name").orElse("Passkey");
        String presession = requiredPresession(req);
        var passkey = limited(req, res, () -> passkeys.registration().register(ResolvedTenant.current(), presession,
                credential, name));
        noStore(res);
        Json.send(res, 201, Map.of("id", passkey.id(), "name", passkey.name(), "createdAt",
                passkey.createdAt().toString()));
    }

    private void authenticationOptions(ServerRequest req, ServerResponse res) {
        JsonRequest.read(req, Set.of());
        String presession = presession(req, res);
        AssertionOptions o = passkeys.signIn().options(ResolvedTenant.current(), presession);
        noStore(res);
        Json.send(res, 200, Map.of("challenge", o.challenge(), "rpId", o.rpId(), "allowCredentials", List.of(),
                "userVerification", "required", "timeout", o.timeoutMillis()));
    }

    private void authenticate(ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, Set.of("credential", "returnTo"));
        String credential = credential(body);
        TenantLocation tenant = ResolvedTenant.current();
        String returnTo = ReturnTo.validated(body.optionalString("returnTo").filter(v -> !v.isEmpty()),
                tenant.slug().value());
        String presession = requiredPresession(req);
        SignedIn signedIn = limited(req, res, () -> passkeys.signIn().authenticate(tenant, presession, credential));
        BrowserCookies.set(res, Sessions.COOKIE, signedIn.sessionCookie(), settings.sessionAbsolute());
        BrowserCookies.clear(res, BrowserCookies.PRESESSION);
        noStore(res);
        Json.send(res, 200, Map.of("redirect", returnTo));
    }

    /** Runs one ceremony step under the failed-authentication limits; a failure is one generic problem. */
    private <T> T limited(ServerRequest req, ServerResponse res, Supplier<T> step) {
        switch (failures.admit(FailedAuthentications.sourceOf(req), "signin:" + ResolvedTenant.current().id())) {
            case Refused refused -> {
                long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
                res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
                throw new ProblemException(Problem.of(ProblemType.TOO_MANY_FAILED_AUTHENTICATIONS,
                        "Too many failed attempts from this address or for this tenant; retry after " + seconds
                                + " s.").with("retryAfterSeconds", seconds));
            }
            case Admitted admitted -> {
                try {
                    T result = step.get();
                    admitted.succeeded();
                    return result;
                } catch (CeremonyFailedException e) {
                    throw new ProblemException(Problem.of(ProblemType.PASSKEY_CEREMONY_FAILED, GENERIC_FAILURE));
                }
            }
        }
    }

    private static String credential(JsonRequest body) {
        JsonNode credential = body.node().get("credential");
        if (credential == null || !credential.isObject()) {
            throw JsonRequest.invalid("credential", "must be the WebAuthn credential as a JSON object");
        }
        return credential.toString();
    }

    /** The browser's pre-session, set now if it has none (the page or options request is its first contact). */
    private String presession(ServerRequest req, ServerResponse res) {
        var existing = BrowserCookies.read(req, BrowserCookies.PRESESSION).filter(RandomTokens::wellFormed);
        if (existing.isPresent()) {
            return existing.get();
        }
        String fresh = tokens.next();
        BrowserCookies.set(res, BrowserCookies.PRESESSION, fresh, BrowserCookies.PRESESSION_LIFETIME);
        return fresh;
    }

    private static String requiredPresession(ServerRequest req) {
        return BrowserCookies.read(req, BrowserCookies.PRESESSION).orElseThrow(() -> new ProblemException(
                Problem.of(ProblemType.PASSKEY_CEREMONY_FAILED, GENERIC_FAILURE)));
    }

    private static String base() {
        return "/t/" + ResolvedTenant.current().slug().value();
    }

    private static void noStore(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }
}
