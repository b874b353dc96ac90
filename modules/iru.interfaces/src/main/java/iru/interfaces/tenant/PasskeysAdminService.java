package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.passkey.PasskeyFeature;
import iru.application.passkey.PasskeyRegistration.EnrollmentLink;
import iru.application.session.Sessions;
import iru.domain.passkey.Passkey;
import iru.foundation.config.SignInSettings;
import iru.interfaces.http.Json;
import iru.interfaces.http.Lists;
import iru.interfaces.http.PageParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** `/t/{tenant}/v1/users/{userId}/…`: enrollment links, passkeys and sessions of a user, for administrators. */
public final class PasskeysAdminService implements HttpService {
    private final PasskeyFeature passkeys;
    private final Sessions sessions;
    private final SignInSettings settings;

    public PasskeysAdminService(PasskeyFeature passkeys, Sessions sessions, SignInSettings settings) {
        this.passkeys = passkeys;
        this.sessions = sessions;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{tenant}/v1/users/{userId}/enrollments", this::enroll)
             .get("/t/{tenant}/v1/users/{userId}/passkeys", this::list)
             .delete("/t/{tenant}/v1/users/{userId}/passkeys/{credentialId}", this::revoke)
             .delete("/t/{tenant}/v1/users/{userId}/sessions", this::revokeSessions);
    }

    private void enroll(ServerRequest req, ServerResponse res) {
        EnrollmentLink link = passkeys.registration().enroll(ResolvedTenant.current(), userId(req));
        // The token rides in the fragment, which browsers never send to a server or put in a Referer.
        String url = settings.publicBaseUrl() + "/t/" + ResolvedTenant.current().slug().value() + "/enroll#"
                + link.token();
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.send(res, 201, Map.of("url", url, "expiresAt", link.expiresAt().toString()));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, Lists.all(passkeys.management().list(ResolvedTenant.current(), userId(req)),
                PasskeysAdminService::passkey));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        passkeys.management().revoke(ResolvedTenant.current(), userId(req),
                req.path().pathParameters().get("credentialId"));
        res.status(204).send();
    }

    private void revokeSessions(ServerRequest req, ServerResponse res) {
        sessions.revokeAll(ResolvedTenant.current(), userId(req));
        res.status(204).send();
    }

    private static UUID userId(ServerRequest req) {
        return PageParameters.uuidParameter(req, "userId");
    }

    static Map<String, Object> passkey(Passkey p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", p.id());
        json.put("name", p.name());
        json.put("aaguid", p.aaguid().toString());
        json.put("backupEligible", p.backupEligible());
        json.put("backedUp", p.backupState());
        json.put("transports", p.transports());
        json.put("createdAt", p.createdAt().toString());
        json.put("lastUsedAt", p.lastUsedAt().map(Object::toString).orElse(null));
        return json;
    }
}
