package iru.domain.user;

import iru.domain.common.ConflictException;
import iru.domain.common.Page;
import iru.domain.common.Sql;
import iru.domain.common.TenantScopedId;
import iru.domain.common.VersionedRow;
import iru.domain.tenant.TenantId;
import iru.foundation.database.OrmSessions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Users of one tenant, inside a transaction the router opened for that tenant. The aggregate is written and read by
 * id through Hibernate; lists (filters, prefix search, keyset pages, joins) are SQL read queries.
 */
public final class UserRepository {
    /** The entity classes this repository needs the session factory to know. */
    public static final List<Class<?>> ENTITIES = List.of(UserEntity.class);

    static final String COLUMNS = "u.user_id, u.user_name, u.email, u.given_name, u.family_name, u.display_name,"
            + " u.status, u.external_id, u.version, u.created_at, u.updated_at";

    private final OrmSessions orm;

    public UserRepository(OrmSessions orm) {
        this.orm = orm;
    }

    public User insert(Connection c, TenantId tenant, UserProfile profile) {
        var now = Sql.now();
        User user = new User(UUID.randomUUID(), profile, UserStatus.active, 1, now, now);
        try {
            orm.inSession(c, session -> {
                session.persist(new UserEntity(tenant.value(), user));
                return null;
            });
        } catch (ConstraintViolationException e) {
            throw conflict(e, profile);
        }
        return user;
    }

    /**
     * Writes a changed user if it is still at `expectedVersion`, under a row lock so two writers cannot both pass
     * the check; returns empty if it changed or vanished meanwhile.
     */
    public Optional<User> update(Connection c, TenantId tenant, User changed, int expectedVersion) {
        try {
            return orm.inSession(c, session -> VersionedRow.lockedAt(session, UserEntity.class,
                    new TenantScopedId(tenant.value(), changed.id()), expectedVersion).map(stored -> {
                        stored.change(changed.profile(), changed.status());
                        return stored.toUser();
                    }));
        } catch (ConstraintViolationException e) {
            throw conflict(e, changed.profile());
        }
    }

    private static RuntimeException conflict(ConstraintViolationException e, UserProfile profile) {
        if ("23505".equals(e.getSQLState())) {
            return new ConflictException("userName", "userName '" + profile.userName() + "' is already taken");
        }
        return e;
    }

    public Optional<User> find(Connection c, TenantId tenant, UUID id) {
        return orm.inSession(c, session -> Optional.ofNullable(
                session.find(UserEntity.class, new TenantScopedId(tenant.value(), id))).map(UserEntity::toUser));
    }

    public boolean delete(Connection c, TenantId tenant, UUID id) {
        return orm.inSession(c, session -> {
            UserEntity stored = session.find(UserEntity.class, new TenantScopedId(tenant.value(), id));
            if (stored == null) {
                return false;
            }
            session.remove(stored);
            return true;
        });
    }

    public Page<User> list(Connection c, TenantId tenant, UserFilter filter, Optional<UUID> after, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from users u where u.tenant_id = ? and u.user_id > ?");
        List<Object> args = new ArrayList<>(List.of(tenant.value(), after.orElse(Sql.FIRST_UUID)));
        filter.userName().ifPresent(v -> {
            sql.append(" and lower(u.user_name) = lower(?)");
            args.add(v);
        });
        filter.email().ifPresent(v -> {
            sql.append(" and lower(u.email) = lower(?)");
            args.add(v);
        });
        filter.status().ifPresent(v -> {
            sql.append(" and u.status = ?");
            args.add(v.name());
        });
        filter.prefix().ifPresent(v -> {
            sql.append(" and (lower(u.user_name) like ? escape '\\' or lower(u.email) like ? escape '\\'"
                    + " or lower(coalesce(u.display_name, '')) like ? escape '\\')");
            String pattern = Sql.likePrefix(v);
            args.add(pattern);
            args.add(pattern);
            args.add(pattern);
        });
        sql.append(" order by u.user_id limit ?");
        args.add(limit + 1);
        return Page.of(query(c, sql.toString(), args), limit, User::id);
    }

    /** Users in `from ... where` (a join written by another repository), in id order after `after`. */
    public Page<User> listJoined(Connection c, String fromWhere, List<Object> args, Optional<UUID> after, int limit)
            throws SQLException {
        List<Object> all = new ArrayList<>(args);
        all.add(after.orElse(Sql.FIRST_UUID));
        all.add(limit + 1);
        return Page.of(query(c, "select distinct " + COLUMNS + " " + fromWhere
                + " and u.user_id > ? order by u.user_id limit ?", all), limit, User::id);
    }

    private static List<User> query(Connection c, String sql, List<Object> args) throws SQLException {
        return Sql.list(c, sql, args, UserRepository::read);
    }

    static User read(ResultSet rs) throws SQLException {
        UserProfile profile = new UserProfile(rs.getString("user_name"), rs.getString("email"), rs.getString("given_name"),
                rs.getString("family_name"), rs.getString("display_name"), rs.getString("external_id"));
        return new User(Sql.uuid(rs, "user_id"), profile, UserStatus.valueOf(rs.getString("status")),
                rs.getInt("version"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
