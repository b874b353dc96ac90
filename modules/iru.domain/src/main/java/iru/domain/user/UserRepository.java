package iru.domain.user;

import iru.domain.common.ConflictException;
import iru.domain.common.Page;
import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Users of one tenant, inside a transaction the router opened for that tenant. */
public final class UserRepository {
    static final String COLUMNS = "u.user_id, u.user_name, u.email, u.given_name, u.family_name, u.display_name,"
            + " u.status, u.external_id, u.version, u.created_at, u.updated_at";

    public User insert(Connection c, TenantId tenant, UserProfile profile) throws SQLException {
        var now = Sql.now();
        User user = new User(UUID.randomUUID(), profile, UserStatus.active, 1, now, now);
        try (PreparedStatement s = c.prepareStatement("insert into users (tenant_id, user_id, user_name, email,"
                + " given_name, family_name, display_name, status, external_id, version, created_at, updated_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, tenant.value());
            s.setObject(2, user.id());
            bindProfile(s, 3, profile);
            s.setString(8, user.status().name());
            s.setString(9, profile.externalId());
            s.setInt(10, user.version());
            s.setTimestamp(11, Sql.timestamp(now));
            s.setTimestamp(12, Sql.timestamp(now));
            s.executeUpdate();
        } catch (SQLException e) {
            throw translate(e, profile);
        }
        return user;
    }

    /** Writes a changed user if it is still at `expectedVersion`; returns empty if it changed or vanished meanwhile. */
    public Optional<User> update(Connection c, TenantId tenant, User changed, int expectedVersion) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update users set user_name = ?, email = ?, given_name = ?,"
                + " family_name = ?, display_name = ?, status = ?, external_id = ?, version = version + 1,"
                + " updated_at = ? where tenant_id = ? and user_id = ? and version = ?")) {
            bindProfile(s, 1, changed.profile());
            s.setString(6, changed.status().name());
            s.setString(7, changed.profile().externalId());
            s.setTimestamp(8, Sql.timestamp(Sql.now()));
            s.setObject(9, tenant.value());
            s.setObject(10, changed.id());
            s.setInt(11, expectedVersion);
            if (s.executeUpdate() == 0) {
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw translate(e, changed.profile());
        }
        return find(c, tenant, changed.id());
    }

    private static void bindProfile(PreparedStatement s, int first, UserProfile p) throws SQLException {
        s.setString(first, p.userName());
        s.setString(first + 1, p.email());
        s.setString(first + 2, p.givenName());
        s.setString(first + 3, p.familyName());
        s.setString(first + 4, p.displayName());
    }

    private static SQLException translate(SQLException e, UserProfile profile) {
        if (Sql.isUniqueViolation(e)) {
            throw new ConflictException("userName", "userName '" + profile.userName() + "' is already taken");
        }
        return e;
    }

    public Optional<User> find(Connection c, TenantId tenant, UUID id) throws SQLException {
        return query(c, "select " + COLUMNS + " from users u where u.tenant_id = ? and u.user_id = ?",
                List.of(tenant.value(), id)).stream().findFirst();
    }

    public boolean delete(Connection c, TenantId tenant, UUID id) throws SQLException {
        return Sql.update(c, "delete from users where tenant_id = ? and user_id = ?", tenant.value(), id) > 0;
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
