package iru.domain.user;

import iru.domain.common.ConflictException;
import iru.domain.common.Page;
import iru.domain.common.Sql;
import iru.domain.common.TenantScopedId;
import iru.domain.tenant.TenantId;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.SingleSelect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Users of one tenant, inside a transaction the router opened for that tenant. Hibernate deletes the aggregate; the
 * hot paths are plain SQL, where a session adds nothing: creating a user, reading one by id, the versioned update
 * (one statement, no second read), and lists (filters, prefix search, keyset pages, joins).
 */
public final class UserRepository {
    /** The entity classes this repository needs the session factory to know. */
    public static final List<Class<?>> ENTITIES = List.of(UserEntity.class);

    /** The columns of a user, in the order {@link #read} takes them. */
    static final String COLUMNS = "u.user_id, u.user_name, u.email, u.given_name, u.family_name, u.display_name,"
            + " u.status, u.external_id, u.version, u.created_at, u.updated_at";

    private static final String BY_ID = "select " + COLUMNS + " from users u where u.tenant_id = ? and u.user_id = ?";

    private final OrmSessions orm;

    public UserRepository(OrmSessions orm) {
        this.orm = orm;
    }

    /**
     * A new user, active, at version 1. Plain SQL: a Hibernate session per insert was most of the CPU of creating a
     * user (profiled), and one INSERT is all it did.
     */
    public User insert(Connection c, TenantId tenant, UserProfile p) throws SQLException {
        var now = Sql.now();
        User user = new User(UUID.randomUUID(), p, UserStatus.active, 1, now, now);
        try {
            Sql.update(c, "insert into users (tenant_id, user_id, user_name, email, given_name, family_name,"
                    + " display_name, external_id, status, version, created_at, updated_at)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tenant.value(), user.id(), p.userName(),
                    p.email(), p.givenName(), p.familyName(), p.displayName(), p.externalId(), user.status().name(),
                    user.version(), Sql.timestamp(now), Sql.timestamp(now));
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw taken(p);
            }
            throw e;
        }
        return user;
    }

    /**
     * Writes a changed user if it is still at `expectedVersion`, in one statement that checks the version and writes
     * the next one (a concurrent writer's update waits for ours and then no longer matches, and the other way round);
     * returns empty if it changed or vanished meanwhile. The caller has read the row already, so this does not read
     * it again.
     */
    public Optional<User> update(Connection c, TenantId tenant, User changed, int expectedVersion)
            throws SQLException {
        UserProfile p = changed.profile();
        try {
            return query(c, "update users u set user_name = ?, email = ?, given_name = ?, family_name = ?,"
                    + " display_name = ?, external_id = ?, status = ?, version = u.version + 1, updated_at = ?"
                    + " where u.tenant_id = ? and u.user_id = ? and u.version = ? returning " + COLUMNS,
                    Arrays.asList(p.userName(), p.email(), p.givenName(), p.familyName(), p.displayName(),
                            p.externalId(), changed.status().name(), Sql.timestamp(Sql.now()), tenant.value(),
                            changed.id(), expectedVersion)).stream().findFirst();
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw taken(p);
            }
            throw e;
        }
    }

    private static ConflictException taken(UserProfile profile) {
        return new ConflictException("userName", "userName '" + profile.userName() + "' is already taken");
    }

    /**
     * The user with this id. Plain SQL rather than a Hibernate session: the hottest read of the API, and a session
     * adds nothing to reading one row into a record.
     */
    public Optional<User> find(Connection c, TenantId tenant, UUID id) throws SQLException {
        return byId(tenant, id).run(c);
    }

    /** {@link #find} as one SELECT, for a read that is nothing more (the router runs it in one round trip). */
    public SingleSelect<Optional<User>> byId(TenantId tenant, UUID id) {
        return new SingleSelect<>(BY_ID, List.of(tenant.value(), id),
                rs -> rs.next() ? Optional.of(read(rs)) : Optional.empty());
    }

    /** Those of the users with these ids that exist, by id: one statement for a batch of deliveries. */
    public Map<UUID, User> findAll(Connection c, TenantId tenant, Collection<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UUID, User> found = new HashMap<>();
        for (User user : query(c, "select " + COLUMNS + " from users u where u.tenant_id = ? and u.user_id = any (?)",
                List.of(tenant.value(), Sql.uuids(c, ids)))) {
            found.put(user.id(), user);
        }
        return found;
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
        // The *_key columns are the case-folded values (V18): compared with leakproof operators only, so the
        // indexes serve these filters under row-level security.
        filter.userName().ifPresent(v -> {
            sql.append(" and u.user_name_key = lower(?)");
            args.add(v);
        });
        filter.email().ifPresent(v -> {
            sql.append(" and u.email_key = lower(?)");
            args.add(v);
        });
        filter.status().ifPresent(v -> {
            sql.append(" and u.status = ?");
            args.add(v.name());
        });
        if (filter.prefix().isPresent()) {
            Sql.planForValues(c);
            sql.append(" and (starts_with(u.user_name_key, lower(?)) or starts_with(u.email_key, lower(?))"
                    + " or starts_with(u.display_name_key, lower(?)))");
            String prefix = filter.prefix().get();
            args.addAll(List.of(prefix, prefix, prefix));
        }
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

    /**
     * A row of {@link #COLUMNS}, by position: every query here selects exactly those, in that order, and reading by
     * name made the driver build a name-to-index map for each result (about 1% of a GET user's CPU, profiled).
     */
    static User read(ResultSet rs) throws SQLException {
        UserProfile profile = new UserProfile(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(8));
        return new User(rs.getObject(1, UUID.class), profile, UserStatus.valueOf(rs.getString(7)), rs.getInt(9),
                Sql.instant(rs, 10), Sql.instant(rs, 11));
    }
}
