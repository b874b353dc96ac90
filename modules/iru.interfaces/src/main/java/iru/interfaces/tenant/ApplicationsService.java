package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.identity.ApplicationDirectory;
import iru.domain.application.AllowedScopes;
import iru.domain.application.Application;
import iru.domain.application.ApplicationSettings;
import iru.domain.application.Assignments;
import iru.domain.application.ScimCredential;
import iru.interfaces.http.ETags;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.Lists;
import iru.interfaces.http.MergePatch;
import iru.interfaces.http.PageParameters;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** `/t/{tenant}/v1/apps`: applications made from catalog templates, and who is assigned to them. */
public final class ApplicationsService implements HttpService {
    private static final Set<String> SETTINGS = Set.of("displayName", "redirectUris", "scimBaseUrl",
            AllowedScopes.FIELD);
    private static final Set<String> CREATE = Set.of("templateKey", "displayName", "redirectUris", "scimBaseUrl",
            AllowedScopes.FIELD);
    private static final Set<String> CREDENTIAL = Set.of(ScimCredential.FIELD);

    private final ApplicationDirectory apps;

    public ApplicationsService(ApplicationDirectory apps) {
        this.apps = apps;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{tenant}/v1/apps", this::create)
             .get("/t/{tenant}/v1/apps", this::list)
             .get("/t/{tenant}/v1/apps/{appId}", this::get)
             .patch("/t/{tenant}/v1/apps/{appId}", this::update)
             .delete("/t/{tenant}/v1/apps/{appId}", this::delete)
             .put("/t/{tenant}/v1/apps/{appId}/scim-credential", this::setScimCredential)
             .get("/t/{tenant}/v1/apps/{appId}/assignments", this::assignments)
             .put("/t/{tenant}/v1/apps/{appId}/assignments/users/{userId}", this::assignUser)
             .delete("/t/{tenant}/v1/apps/{appId}/assignments/users/{userId}", this::unassignUser)
             .put("/t/{tenant}/v1/apps/{appId}/assignments/groups/{groupId}", this::assignGroup)
             .delete("/t/{tenant}/v1/apps/{appId}/assignments/groups/{groupId}", this::unassignGroup)
             .get("/t/{tenant}/v1/apps/{appId}/users", this::effectiveUsers);
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, CREATE);
        ApplicationSettings settings = new ApplicationSettings(body.requiredString("displayName"),
                body.optionalStrings("redirectUris").orElse(List.of()), body.optionalString("scimBaseUrl").orElse(null),
                body.optionalStrings(AllowedScopes.FIELD).orElse(AllowedScopes.DEFAULT));
        Application app = apps.create(ResolvedTenant.current(), body.requiredString("templateKey"), settings);
        res.header(HeaderNames.LOCATION, req.path().path() + "/" + app.id());
        send(res, 201, app);
    }

    private void list(ServerRequest req, ServerResponse res) {
        PageParameters page = PageParameters.from(req, 50, 200);
        Json.send(res, 200, Lists.page(apps.list(ResolvedTenant.current(), page.after(), page.limit()),
                Representations::application));
    }

    private void get(ServerRequest req, ServerResponse res) {
        send(res, 200, apps.get(ResolvedTenant.current(), id(req)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        UUID id = id(req);
        var expected = ETags.ifMatch(req);
        MergePatch patch = new MergePatch(JsonRequest.read(req, SETTINGS));
        send(res, 200, apps.update(ResolvedTenant.current(), id, expected, current -> new ApplicationSettings(
                patch.string("displayName", current, ApplicationSettings::displayName, true),
                patch.body().has("redirectUris")
                        ? patch.body().optionalStrings("redirectUris").orElse(List.of()) : current.redirectUris(),
                patch.string("scimBaseUrl", current, ApplicationSettings::scimBaseUrl, false),
                patch.body().has(AllowedScopes.FIELD)
                        ? patch.body().optionalStrings(AllowedScopes.FIELD).orElse(AllowedScopes.DEFAULT)
                        : current.allowedScopes())));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        apps.delete(ResolvedTenant.current(), id(req));
        res.status(204).send();
    }

    /** Write-only: the credential goes to the secret store, and no response ever carries it back. */
    private void setScimCredential(ServerRequest req, ServerResponse res) {
        UUID id = id(req);
        JsonRequest body = JsonRequest.read(req, CREDENTIAL);
        apps.setScimCredential(ResolvedTenant.current(), id, new ScimCredential(body.requiredString(ScimCredential.FIELD)));
        res.status(204).send();
    }

    private void assignments(ServerRequest req, ServerResponse res) {
        Assignments a = apps.assignments(ResolvedTenant.current(), id(req));
        Json.send(res, 200, Map.of(
                "users", a.users().stream().map(u -> Map.of("id", u.toString())).toList(),
                "groups", a.groups().stream().map(g -> Map.of("id", g.toString())).toList()));
    }

    private void assignUser(ServerRequest req, ServerResponse res) {
        apps.assignUser(ResolvedTenant.current(), id(req), PageParameters.uuidParameter(req, "userId"));
        res.status(204).send();
    }

    private void unassignUser(ServerRequest req, ServerResponse res) {
        apps.unassignUser(ResolvedTenant.current(), id(req), PageParameters.uuidParameter(req, "userId"));
        res.status(204).send();
    }

    private void assignGroup(ServerRequest req, ServerResponse res) {
        apps.assignGroup(ResolvedTenant.current(), id(req), PageParameters.uuidParameter(req, "groupId"));
        res.status(204).send();
    }

    private void unassignGroup(ServerRequest req, ServerResponse res) {
        apps.unassignGroup(ResolvedTenant.current(), id(req), PageParameters.uuidParameter(req, "groupId"));
        res.status(204).send();
    }

    private void effectiveUsers(ServerRequest req, ServerResponse res) {
        PageParameters page = PageParameters.from(req, 50, 200);
        Json.send(res, 200, Lists.page(apps.effectiveUsers(ResolvedTenant.current(), id(req), page.after(),
                page.limit()), Representations::user));
    }

    private static void send(ServerResponse res, int status, Application app) {
        ETags.set(res, app.version());
        Json.send(res, status, Representations.application(app));
    }

    private static UUID id(ServerRequest req) {
        return PageParameters.uuidParameter(req, "appId");
    }
}
