package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.identity.UserDirectory;
import iru.domain.user.User;
import iru.domain.user.UserFilter;
import iru.domain.user.UserProfile;
import iru.domain.user.UserStatus;
import iru.interfaces.http.ETags;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.Lists;
import iru.interfaces.http.MergePatch;
import iru.interfaces.http.PageParameters;
import iru.interfaces.http.ProblemException;
import iru.interfaces.http.ProblemType;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** `/t/{tenant}/v1/users`: the tenant's people. */
public final class UsersService implements HttpService {
    private static final Set<String> MEMBERS = Set.of("userName", "email", "givenName", "familyName", "displayName",
            "externalId");

    private final UserDirectory users;

    public UsersService(UserDirectory users) {
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{tenant}/v1/users", this::create)
             .get("/t/{tenant}/v1/users", this::list)
             .get("/t/{tenant}/v1/users/{userId}", this::get)
             .patch("/t/{tenant}/v1/users/{userId}", this::update)
             .delete("/t/{tenant}/v1/users/{userId}", this::delete)
             .post("/t/{tenant}/v1/users/{userId}/deactivate", (req, res) -> setStatus(req, res, UserStatus.inactive))
             .post("/t/{tenant}/v1/users/{userId}/reactivate", (req, res) -> setStatus(req, res, UserStatus.active))
             .get("/t/{tenant}/v1/users/{userId}/groups", this::groups);
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, MEMBERS);
        UserProfile profile = new UserProfile(body.requiredString("userName"), body.requiredString("email"),
                body.optionalString("givenName").orElse(null), body.optionalString("familyName").orElse(null),
                body.optionalString("displayName").orElse(null), body.optionalString("externalId").orElse(null));
        User user = users.create(ResolvedTenant.current(), profile);
        res.header(HeaderNames.LOCATION, req.path().path() + "/" + user.id());
        send(res, 201, user);
    }

    private void list(ServerRequest req, ServerResponse res) {
        PageParameters page = PageParameters.from(req, 50, 200);
        UserFilter filter = new UserFilter(query(req, "userName"), query(req, "email"),
                query(req, "status").map(UsersService::status), query(req, "q"));
        Json.send(res, 200, Lists.page(users.list(ResolvedTenant.current(), filter, page.after(), page.limit()),
                Representations::user));
    }

    private void get(ServerRequest req, ServerResponse res) {
        send(res, 200, users.get(ResolvedTenant.current(), id(req)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        UUID id = id(req);
        Optional<Integer> expected = ETags.ifMatch(req);
        MergePatch patch = new MergePatch(JsonRequest.read(req, MEMBERS));
        User user = users.update(ResolvedTenant.current(), id, expected, current -> new UserProfile(
                patch.string("userName", current, UserProfile::userName, true),
                patch.string("email", current, UserProfile::email, true),
                patch.string("givenName", current, UserProfile::givenName, false),
                patch.string("familyName", current, UserProfile::familyName, false),
                patch.string("displayName", current, UserProfile::displayName, false),
                patch.string("externalId", current, UserProfile::externalId, false)));
        send(res, 200, user);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        users.delete(ResolvedTenant.current(), id(req));
        res.status(204).send();
    }

    private void setStatus(ServerRequest req, ServerResponse res, UserStatus status) {
        send(res, 200, users.setStatus(ResolvedTenant.current(), id(req), status));
    }

    private void groups(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, Lists.all(users.groupsOf(ResolvedTenant.current(), id(req)), Representations::group));
    }

    private static void send(ServerResponse res, int status, User user) {
        ETags.set(res, user.version());
        Json.send(res, status, Representations.user(user));
    }

    private static UUID id(ServerRequest req) {
        return PageParameters.uuidParameter(req, "userId");
    }

    static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional().filter(v -> !v.isEmpty());
    }

    private static UserStatus status(String value) {
        return Arrays.stream(UserStatus.values()).filter(s -> s.name().equals(value)).findFirst()
                .orElseThrow(() -> new ProblemException(iru.interfaces.http.Problem.of(ProblemType.MALFORMED_REQUEST,
                        "'status' must be active or inactive.").with("field", "status")));
    }
}
