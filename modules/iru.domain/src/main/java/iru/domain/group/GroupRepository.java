package iru.domain.group;

import iru.domain.common.ConflictException;
import iru.domain.common.Page;
import iru.domain.common.Sql;
import iru.domain.common.Text;
import iru.domain.tenant.TenantId;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Groups and memberships of one tenant, inside a transaction the router opened for that tenant. */
public final class GroupRepository {
    public static final int MAX_NAME = 256;
    private static final String COLUMNS = "g.group_id, g.display_name, g.description, g.version, g.created_at, g.updated_at";

    private final UserRepository users;

    public GroupRepository(UserRepository users) {
        this.users = users;
    }

    public static String displayName(String value) {
        return Text.required("displayName", value, MAX_NAME);
    }

    public static String description(String value) {
        return Text.optional("description", value, 1000);
    }

    public Group insert(Connection c, TenantId tenant, String displayName, String description) throws SQLException {
        var now = Sql.now();
        Group group = new Group(UUID.randomUUID(), displayName(displayName), description(description), 1, now, now);
        try (PreparedStatement s = c.prepareStatement("insert into groups (tenant_id, group_id, display_name, description,"
                + " version, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, tenant.value());
            s.setObject(2, group.id());
            s.setString(3, group.displayName());
            s.setString(4, group.description());
            s.setInt(5, group.version());
            s.setTimestamp(6, Sql.timestamp(now));
            s.setTimestamp(7, Sql.timestamp(now));
            s.executeUpdate();
        } catch (SQLException e) {
            throw conflictOr(e, group.displayName());
        }
        return group;
    }

    public Optional<Group> update(Connection c, TenantId tenant, Group changed, int expectedVersion) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update groups set display_name = ?, description = ?,"
                + " version = version + 1, updated_at = ? where tenant_id = ? and group_id = ? and version = ?")) {
            s.setString(1, displayName(changed.displayName()));
            s.setString(2, description(changed.description()));
            s.setTimestamp(3, Sql.timestamp(Sql.now()));
            s.setObject(4, tenant.value());
            s.setObject(5, changed.id());
            s.setInt(6, expectedVersion);
            if (s.executeUpdate() == 0) {
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw conflictOr(e, changed.displayName());
        }
        return find(c, tenant, changed.id());
    }

    private static SQLException conflictOr(SQLException e, String name) {
        if (Sql.isUniqueViolation(e)) {
            throw new ConflictException("displayName", "a group named '" + name + "' already exists");
        }
        return e;
    }

    public Optional<Group> find(Connection c, TenantId tenant, UUID id) throws SQLException {
        List<Group> found = query(c, "select " + COLUMNS + " from groups g where g.tenant_id = ? and g.group_id = ?",
                List.of(tenant.value(), id));
        return found.stream().findFirst();
    }

    public boolean delete(Connection c, TenantId tenant, UUID id) throws SQLException {
        return Sql.update(c, "delete from groups where tenant_id = ? and group_id = ?", tenant.value(), id) > 0;
    }

    public Page<Group> list(Connection c, TenantId tenant, Optional<String> prefix, Optional<UUID> after, int limit)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(tenant.value(), after.orElse(Sql.FIRST_UUID)));
        String sql = "select " + COLUMNS + " from groups g where g.tenant_id = ? and g.group_id > ?";
        if (prefix.isPresent()) {
            sql += " and lower(g.display_name) like ? escape '\\'";
            args.add(Sql.likePrefix(prefix.get()));
        }
        args.add(limit + 1);
        return Page.of(query(c, sql + " order by g.group_id limit ?", args), limit, Group::id);
    }

    /** Adds a member; adding one twice is not an error. */
    public void addMember(Connection c, TenantId tenant, UUID groupId, UUID userId) throws SQLException {
        Sql.update(c, "insert into group_members (tenant_id, group_id, user_id, created_at) values (?, ?, ?, ?)"
                + " on conflict do nothing", tenant.value(), groupId, userId, Sql.timestamp(Sql.now()));
    }

    public boolean removeMember(Connection c, TenantId tenant, UUID groupId, UUID userId) throws SQLException {
        return Sql.update(c, "delete from group_members where tenant_id = ? and group_id = ? and user_id = ?",
                tenant.value(), groupId, userId) > 0;
    }

    public Page<User> members(Connection c, TenantId tenant, UUID groupId, Optional<UUID> after, int limit)
            throws SQLException {
        return users.listJoined(c, "from users u join group_members m on m.tenant_id = u.tenant_id and m.user_id = u.user_id"
                + " where u.tenant_id = ? and m.group_id = ?", List.of(tenant.value(), groupId), after, limit);
    }

    public List<Group> groupsOf(Connection c, TenantId tenant, UUID userId) throws SQLException {
        return query(c, "select " + COLUMNS + " from groups g join group_members m on m.tenant_id = g.tenant_id"
                + " and m.group_id = g.group_id where g.tenant_id = ? and m.user_id = ? order by g.group_id",
                List.of(tenant.value(), userId));
    }

    private static List<Group> query(Connection c, String sql, List<Object> args) throws SQLException {
        return Sql.list(c, sql, args, rs -> new Group(Sql.uuid(rs, "group_id"), rs.getString("display_name"),
                rs.getString("description"), rs.getInt("version"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at")));
    }
}
