package iru.domain.application;

import iru.domain.common.Page;
import iru.domain.common.Sql;
import iru.domain.common.TenantScopedId;
import iru.domain.common.VersionedRow;
import iru.domain.tenant.TenantId;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import iru.foundation.database.DataAccessException;
import iru.foundation.database.OrmSessions;
import jakarta.persistence.LockModeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Applications and their assignments, inside a transaction the router opened for the tenant. The application is
 * written and read by id through Hibernate; assignments and lists are SQL.
 */
public final class ApplicationRepository {
    private static final String COLUMNS = "app_id, template_key, display_name, redirect_uris, scim_base_url, allowed_scopes,"
            + " version, created_at, updated_at, (select c.set_at from application_scim_credentials c"
            + " where c.tenant_id = applications.tenant_id and c.app_id = applications.app_id) as scim_credential_set_at";

    /** The entity classes this repository needs the session factory to know. */
    public static final List<Class<?>> ENTITIES = List.of(ApplicationEntity.class);

    private final OrmSessions orm;
    private final UserRepository users;

    public ApplicationRepository(OrmSessions orm, UserRepository users) {
        this.orm = orm;
        this.users = users;
    }

    public Application insert(Connection c, TenantId tenant, String templateKey, ApplicationSettings settings)
            throws SQLException {
        requireActiveTemplate(c, templateKey);
        var now = Sql.now();
        Application app = new Application(UUID.randomUUID(), templateKey, settings, 1, now, now, Optional.empty());
        orm.inSession(c, session -> {
            session.persist(new ApplicationEntity(tenant.value(), app));
            return null;
        });
        return app;
    }

    /**
     * No row lock: the tenant plane may not write the catalog, so it cannot lock its rows either. The foreign key
     * keeps a template in use from vanishing; one deprecated concurrently with this insert is as if it happened after.
     */
    private static void requireActiveTemplate(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select status from catalog_templates where key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownTemplateException(key, false);
                }
                if (!"active".equals(rs.getString(1))) {
                    throw new UnknownTemplateException(key, true);
                }
            }
        }
    }

    /** Writes changed settings if the application is still at `expectedVersion`, under a row lock. */
    public Optional<Application> update(Connection c, TenantId tenant, Application changed, int expectedVersion) {
        return orm.inSession(c, session -> VersionedRow.lockedAt(session, ApplicationEntity.class,
                new TenantScopedId(tenant.value(), changed.id()), expectedVersion).map(stored -> {
                    stored.change(changed.settings());
                    return stored.toApplication();
                }));
    }

    public Optional<Application> find(Connection c, TenantId tenant, UUID id) {
        return orm.inSession(c, session -> Optional.ofNullable(session.find(ApplicationEntity.class,
                new TenantScopedId(tenant.value(), id))).map(ApplicationEntity::toApplication));
    }

    /**
     * Locks the application row and, if it exists, runs `store` (which writes the credential to the secret store)
     * and records when it was set, as a new version of the application. Empty if there is no such application, and
     * then `store` never ran.
     */
    public Optional<Instant> setScimCredential(Connection c, TenantId tenant, UUID id, Runnable store) {
        return orm.inSession(c, session -> {
            ApplicationEntity stored = session.find(ApplicationEntity.class, new TenantScopedId(tenant.value(), id),
                    LockModeType.PESSIMISTIC_WRITE);
            if (stored == null) {
                return Optional.empty();
            }
            store.run();
            Instant now = Sql.now();
            try {
                Sql.update(c, "insert into application_scim_credentials (tenant_id, app_id, set_at) values (?, ?, ?)"
                        + " on conflict (tenant_id, app_id) do update set set_at = excluded.set_at",
                        tenant.value(), id, Sql.timestamp(now));
            } catch (SQLException e) {
                throw new DataAccessException(e);
            }
            stored.scimCredentialChanged();
            return Optional.of(now);
        });
    }

    public boolean delete(Connection c, TenantId tenant, UUID id) {
        return orm.inSession(c, session -> {
            ApplicationEntity stored = session.find(ApplicationEntity.class, new TenantScopedId(tenant.value(), id));
            if (stored == null) {
                return false;
            }
            session.remove(stored);
            return true;
        });
    }

    public Page<Application> list(Connection c, TenantId tenant, Optional<UUID> after, int limit) throws SQLException {
        return Page.of(query(c, "select " + COLUMNS + " from applications where tenant_id = ? and app_id > ?"
                + " order by app_id limit ?", List.of(tenant.value(), after.orElse(Sql.FIRST_UUID), limit + 1)),
                limit, Application::id);
    }

    public void assignUser(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        update(c, "insert into app_user_assignments (tenant_id, app_id, user_id, created_at) values (?, ?, ?, now())"
                + " on conflict do nothing", tenant.value(), appId, userId);
    }

    public boolean unassignUser(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        return update(c, "delete from app_user_assignments where tenant_id = ? and app_id = ? and user_id = ?",
                tenant.value(), appId, userId) > 0;
    }

    public void assignGroup(Connection c, TenantId tenant, UUID appId, UUID groupId) throws SQLException {
        update(c, "insert into app_group_assignments (tenant_id, app_id, group_id, created_at) values (?, ?, ?, now())"
                + " on conflict do nothing", tenant.value(), appId, groupId);
    }

    public boolean unassignGroup(Connection c, TenantId tenant, UUID appId, UUID groupId) throws SQLException {
        return update(c, "delete from app_group_assignments where tenant_id = ? and app_id = ? and group_id = ?",
                tenant.value(), appId, groupId) > 0;
    }

    public Assignments assignments(Connection c, TenantId tenant, UUID appId) throws SQLException {
        return new Assignments(
                ids(c, "select user_id from app_user_assignments where tenant_id = ? and app_id = ? order by 1",
                        tenant.value(), appId),
                ids(c, "select group_id from app_group_assignments where tenant_id = ? and app_id = ? order by 1",
                        tenant.value(), appId));
    }

    /** Users assigned directly or through a group, each once, in id order. */
    public Page<User> effectiveUsers(Connection c, TenantId tenant, UUID appId, Optional<UUID> after, int limit)
            throws SQLException {
        return users.listJoined(c, "from users u where u.tenant_id = ? and (u.user_id in (select user_id from"
                + " app_user_assignments where tenant_id = ? and app_id = ?) or u.user_id in (select m.user_id from"
                + " group_members m join app_group_assignments a on a.tenant_id = m.tenant_id and a.group_id = m.group_id"
                + " where a.tenant_id = ? and a.app_id = ?))",
                List.of(tenant.value(), tenant.value(), appId, tenant.value(), appId), after, limit);
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        return Sql.update(c, sql, args);
    }

    private static List<UUID> ids(Connection c, String sql, Object... args) throws SQLException {
        return Sql.list(c, sql, List.of(args), rs -> rs.getObject(1, UUID.class));
    }

    private static List<Application> query(Connection c, String sql, List<Object> args) throws SQLException {
        return Sql.list(c, sql, args, rs -> new Application(Sql.uuid(rs, "app_id"), rs.getString("template_key"),
                new ApplicationSettings(rs.getString("display_name"),
                        List.of((String[]) rs.getArray("redirect_uris").getArray()),
                        rs.getString("scim_base_url"), List.of((String[]) rs.getArray("allowed_scopes").getArray())),
                rs.getInt("version"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                Optional.ofNullable(Sql.instant(rs, "scim_credential_set_at"))));
    }
}
