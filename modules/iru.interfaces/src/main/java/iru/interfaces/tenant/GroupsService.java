package iru.interfaces.tenant;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.application.identity.GroupDirectory;
import iru.domain.group.Group;
import iru.interfaces.http.ETags;
import iru.interfaces.http.Json;
import iru.interfaces.http.JsonRequest;
import iru.interfaces.http.Lists;
import iru.interfaces.http.MergePatch;
import iru.interfaces.http.PageParameters;
import java.util.Set;
import java.util.UUID;

/** `/t/{tenant}/v1/groups`: groups and their members. */
public final class GroupsService implements HttpService {
    private static final Set<String> MEMBERS = Set.of("displayName", "description");

    private final GroupDirectory groups;

    public GroupsService(GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/t/{tenant}/v1/groups", this::create)
             .get("/t/{tenant}/v1/groups", this::list)
             .get("/t/{tenant}/v1/groups/{groupId}", this::get)
             .patch("/t/{tenant}/v1/groups/{groupId}", this::update)
             .delete("/t/{tenant}/v1/groups/{groupId}", this::delete)
             .get("/t/{tenant}/v1/groups/{groupId}/members", this::members)
             .put("/t/{tenant}/v1/groups/{groupId}/members/{userId}", this::addMember)
             .delete("/t/{tenant}/v1/groups/{groupId}/members/{userId}", this::removeMember);
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, MEMBERS);
        Group group = groups.create(ResolvedTenant.current(), body.requiredString("displayName"),
                body.optionalString("description").orElse(null));
        res.header(HeaderNames.LOCATION, req.path().path() + "/" + group.id());
        send(res, 201, group);
    }

    private void list(ServerRequest req, ServerResponse res) {
        PageParameters page = PageParameters.from(req, 50, 200);
        Json.send(res, 200, Lists.page(groups.list(ResolvedTenant.current(), UsersService.query(req, "q"),
                page.after(), page.limit()), Representations::group));
    }

    private void get(ServerRequest req, ServerResponse res) {
        send(res, 200, groups.get(ResolvedTenant.current(), id(req)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        UUID id = id(req);
        var expected = ETags.ifMatch(req);
        MergePatch patch = new MergePatch(JsonRequest.read(req, MEMBERS));
        send(res, 200, groups.update(ResolvedTenant.current(), id, expected, current -> new Group(current.id(),
                patch.string("displayName", current, Group::displayName, true),
                patch.string("description", current, Group::description, false),
                current.version(), current.createdAt(), current.updatedAt())));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        groups.delete(ResolvedTenant.current(), id(req));
        res.status(204).send();
    }

    private void members(ServerRequest req, ServerResponse res) {
        PageParameters page = PageParameters.from(req, 50, 200);
        Json.send(res, 200, Lists.page(groups.members(ResolvedTenant.current(), id(req), page.after(), page.limit()),
                Representations::user));
    }

    private void addMember(ServerRequest req, ServerResponse res) {
        groups.addMember(ResolvedTenant.current(), id(req), PageParameters.uuidParameter(req, "userId"));
        res.status(204).send();
    }

    private void removeMember(ServerRequest req, ServerResponse res) {
        groups.removeMember(ResolvedTenant.current(), id(req), PageParameters.uuidParameter(req, "userId"));
        res.status(204).send();
    }

    private static void send(ServerResponse res, int status, Group group) {
        ETags.set(res, group.version());
        Json.send(res, status, Representations.group(group));
    }

    private static UUID id(ServerRequest req) {
        return PageParameters.uuidParameter(req, "groupId");
    }
}
