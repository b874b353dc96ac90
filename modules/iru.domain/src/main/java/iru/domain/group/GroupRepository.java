package iru.domain.group;

import iru.domain.common.ConflictException;
import iru.domain.common.Page;
import iru.domain.common.Sql;
import iru.domain.common.TenantScopedId;
import iru.domain.common.VersionedRow;
import iru.domain.common.Text;
import iru.domain.tenant.TenantId;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import iru.foundation.database.OrmSessions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Groups and memberships of one tenant, inside a transaction the router opened for that tenant. The group is written
 * and read by id through Hibernate; memberships and lists are SQL.
 */
public final class GroupRepository {
    public static final int MAX_NAME = 256;
    private static final String COLUMNS = "g.group_id, g.display_name, g.description, g.version, g.created_at, g.updated_at";

    /** The entity classes this repository needs the session factory to know. */
    public static final List<Class<?>> ENTITIES = List.of(GroupEntity.class);

    private final OrmSessions orm;
    private final UserRepository users;

    public GroupRepository(OrmSessions orm, UserRepository users) {
        this.orm = orm;
        this.users = users;
    }

    public static String displayName(String value) {
        return Text.required("displayName", value, MAX_NAME);
    }

    public static String description(String value) {
        return Text.optional("description", value, 1000);
    }

    public Group insert(Connection c, TenantId tenant, String displayName, String description) {
        var now = Sql.now();
        Group group = new Group(UUID.randomUUID(), displayName(displayName), description(description), 1, now, now);
        try {
            orm.inSession(c, session -> {
                session.persist(new GroupEntity(tenant.value(), group));
                return null;
            });
        } catch (ConstraintViolationException e) {
            throw conflictOr(e, group.displayName());
        }
        return group;
    }

    /** Writes a changed group if it is still at `expectedVersion`, under a row lock; empty if it moved on or vanished. */
    public Optional<Group> update(Connection c, TenantId tenant, Group changed, int expectedVersion) {
        try {
            return orm.inSession(c, session -> VersionedRow.lockedAt(session, GroupEntity.class,
                    new TenantScopedId(tenant.value(), changed.id()), expectedVersion).map(stored -> {
                        stored.change(displayName(changed.displayName()), description(changed.description()));
                        return stored.toGroup();
                    }));
        } catch (ConstraintViolationException e) {
            throw conflictOr(e, changed.displayName());
        }
    }

    private static RuntimeException conflictOr(ConstraintViolationException e, String name) {
        if ("23505".equals(e.getSQLState())) {
            return new ConflictException("displayName", "a group named '" + name + "' already exists");
        }
        return e;
    }

    public Optional<Group> find(Connection c, TenantId tenant, UUID id) {
        return orm.inSession(c, session -> Optional.ofNullable(
                session.find(GroupEntity.class, new TenantScopedId(tenant.value(), id))).map(GroupEntity::toGroup));
    }

    public boolean delete(Connection c, TenantId tenant, UUID id) {
        return orm.inSession(c, session -> {
            GroupEntity stored = session.find(GroupEntity.class, new TenantScopedId(tenant.value(), id));
            if (stored == null) {
                return false;
            }
            session.remove(stored);
            return true;
        });
    }

    public Page<Group> list(Connection c, TenantId tenant, Optional<String> prefix, Optional<UUID> after, int limit)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(tenant.value(), after.orElse(Sql.FIRST_UUID)));
        String sql = "select " + COLUMNS + " from groups g where g.tenant_id = ? and g.group_id > ?";
        if (prefix.isPresent()) {
            Sql.planForValues(c);
            sql += " and starts_with(g.display_name_key, lower(?))"; // leakproof, so indexed under RLS (V18)
            args.add(prefix.get());
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
