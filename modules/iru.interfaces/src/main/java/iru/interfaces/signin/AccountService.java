package iru.interfaces.signin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.passkey.PasskeyManagement;
import iru.application.session.Sessions;
import iru.application.session.SignedInUser;
import iru.domain.passkey.Passkey;
import iru.domain.tenant.TenantLocation;
import iru.foundation.database.AuditActor;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.Problem;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import iru.interfaces.http.StorableText;
import iru.interfaces.tenant.ResolvedTenant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The signed-in person's own pages: `/t/{tenant}/account` (their passkeys: rename, delete) and sign-out. Without a
 * live session the page redirects to sign-in and a form post is refused. Every state-changing form carries the
 * session's synchronizer token ({@link Sessions#csrfToken}); a post without it, or with another session's, changes
 * nothing.
 */
public final class AccountService implements HttpService {
    private static final int MAX_FORM_BYTES = 4096;

    private final Sessions sessions;
    private final PasskeyManagement passkeys;

    public AccountService(Sessions sessions, PasskeyManagement passkeys) {
        this.sessions = sessions;
        this.passkeys = passkeys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/t/{tenant}/account", this::account)
             .post("/t/{tenant}/account/passkeys/{credentialId}/rename", this::rename)
             .post("/t/{tenant}/account/passkeys/{credentialId}/delete", this::delete)
             .post("/t/{tenant}/signout", this::signOut);
    }

    private record Signed(SignedInUser user, String cookie) {
    }

    private Optional<Signed> session(ServerRequest req) {
        return BrowserCookies.read(req, Sessions.COOKIE).flatMap(cookie -> sessions.current(ResolvedTenant.current(),
                cookie).map(user -> new Signed(user, cookie)));
    }

    private void account(ServerRequest req, ServerResponse res) {
        TenantLocation tenant = ResolvedTenant.current();
        Optional<Signed> signed = session(req);
        if (signed.isEmpty()) {
            redirect(res, "/t/" + tenant.slug().value() + "/signin?return_to=/t/" + tenant.slug().value() + "/account");
            return;
        }
        String csrf = Pages.escape(Sessions.csrfToken(signed.get().cookie()));
        String base = "/t/" + tenant.slug().value();
        StringBuilder list = new StringBuilder("<ul>");
        for (Passkey p : passkeys.list(tenant, signed.get().user().userId())) {
            String action = base + "/account/passkeys/" + p.id();
            list.append("<li><strong>").append(Pages.escape(p.name())).append("</strong> added ")
                .append(p.createdAt().toString(), 0, 10).append(p.lastUsedAt().map(t -> ", last used "
                        + t.toString().substring(0, 10)).orElse(""))
                .append("<form method=\"post\" action=\"").append(Pages.escape(action)).append("/rename\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(csrf).append("\">")
                .append("<input name=\"name\" maxlength=\"100\" required aria-label=\"New name\">")
                .append("<button>Rename</button></form>")
                .append("<form method=\"post\" action=\"").append(Pages.escape(action)).append("/delete\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(csrf).append("\">")
                .append("<button>Delete</button></form></li>");
        }
        list.append("</ul>");
        Pages.send(res, Pages.nonce(), 200, "Your account", "", "<p>Signed in as "
                + Pages.escape(signed.get().user().displayName()) + " (" + Pages.escape(signed.get().user().userName())
                + ").</p><h2>Passkeys</h2>" + list + "<form method=\"post\" action=\"" + Pages.escape(base)
                + "/signout\"><input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\"><button>Sign out</button>"
                + "</form>");
    }

    private void rename(ServerRequest req, ServerResponse res) {
        Map<String, String> form = form(req);
        Signed signed = checked(req, form);
        TenantLocation tenant = ResolvedTenant.current();
        asUser(signed, () -> passkeys.rename(tenant, signed.user().userId(), credentialId(req),
                form.getOrDefault("name", "")));
        redirect(res, "/t/" + tenant.slug().value() + "/account");
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Signed signed = checked(req, form(req));
        TenantLocation tenant = ResolvedTenant.current();
        asUser(signed, () -> passkeys.revoke(tenant, signed.user().userId(), credentialId(req)));
        redirect(res, "/t/" + tenant.slug().value() + "/account");
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        Signed signed = checked(req, form(req));
        TenantLocation tenant = ResolvedTenant.current();
        asUser(signed, () -> sessions.end(tenant, signed.cookie(), signed.user().userId()));
        BrowserCookies.clear(res, Sessions.COOKIE);
        redirect(res, "/t/" + tenant.slug().value() + "/signin");
    }

    /** The live session of a form post whose synchronizer token matches it; otherwise 403 and nothing happens. */
    private Signed checked(ServerRequest req, Map<String, String> form) {
        Signed signed = session(req).orElseThrow(() -> new ProblemException(Problem.of(ProblemType.UNAUTHORIZED,
                "Sign in first.")));
        if (!Sessions.csrfMatches(signed.cookie(), form.get("csrf"))) {
            throw new ProblemException(Problem.of(ProblemType.FORBIDDEN, "The form is stale or was not sent by this"
                    + " site; reload the page and try again."));
        }
        return signed;
    }

    private static void asUser(Signed signed, Runnable change) {
        ScopedValue.where(AuditActor.CURRENT, "user:" + signed.user().userId()).run(change);
    }

    private static String credentialId(ServerRequest req) {
        return req.path().pathParameters().get("credentialId");
    }

    private static Map<String, String> form(ServerRequest req) {
        String type = JsonRequest.mediaType(req);
        if (!type.equals("application/x-www-form-urlencoded")) {
            throw new ProblemException(Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Send the form as application/x-www-form-urlencoded."));
        }
        byte[] bytes;
        try {
            bytes = req.content().inputStream().readNBytes(MAX_FORM_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_FORM_BYTES) {
            throw new ProblemException(Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The form is too large."));
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    if (!StorableText.storable(name) || !StorableText.storable(value)) {
                        throw new ProblemException(StorableText.refusal("form"));
                    }
                    fields.putIfAbsent(name, value);
                } catch (IllegalArgumentException e) {
                    throw new ProblemException(Problem.of(ProblemType.MALFORMED_REQUEST, "The form is malformed."));
                }
            }
        }
        return fields;
    }

    private static void redirect(ServerResponse res, String location) {
        res.status(303);
        res.header(HeaderNames.LOCATION, location);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send();
    }
}
