package iru.domain.provisioning;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The provisioned accounts of a tenant's applications (`app_accounts`) and the assignment facts delivery and
 * reconciliation ask about one subject at a time, inside a transaction the router opened for the tenant.
 */
public final class AppAccountRepository {
    private static final String COLUMNS = "app_id, subject_kind, subject_id, remote_id, etag, provisioned_at";
    /** A remote id or ETag longer than the column takes is not one we can address later: refuse, do not truncate. */
    private static final int MAX_REMOTE = 1024;

    public Optional<AppAccount> find(Connection c, TenantId tenant, UUID appId, AppAccount.Kind kind, UUID subjectId)
            throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from app_accounts where tenant_id = ? and app_id = ?"
                + " and subject_kind = ? and subject_id = ?", List.of(tenant.value(), appId, kind.name(), subjectId),
                AppAccountRepository::read).stream().findFirst();
    }

    /** Every account of one kind in an application, in subject id order. */
    public List<AppAccount> all(Connection c, TenantId tenant, UUID appId, AppAccount.Kind kind) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from app_accounts where tenant_id = ? and app_id = ?"
                + " and subject_kind = ? order by subject_id", List.of(tenant.value(), appId, kind.name()),
                AppAccountRepository::read);
    }

    /** Records (or replaces) the remote id and ETag of a subject's account, provisioned now. */
    public void remember(Connection c, TenantId tenant, UUID appId, AppAccount.Kind kind, UUID subjectId,
            String remoteId, Optional<String> etag) throws SQLException {
        if (remoteId.length() > MAX_REMOTE || etag.map(String::length).orElse(0) > MAX_REMOTE) {
            throw new IllegalArgumentException("the application's id or ETag is longer than " + MAX_REMOTE);
        }
        Sql.update(c, "insert into app_accounts (tenant_id, app_id, subject_kind, subject_id, remote_id, etag,"
                + " provisioned_at) values (?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id, app_id, subject_kind, subject_id)"
                + " do update set remote_id = excluded.remote_id, etag = excluded.etag,"
                + " provisioned_at = excluded.provisioned_at", tenant.value(), appId, kind.name(), subjectId,
                remoteId, etag.orElse(null), Sql.timestamp(Sql.now()));
    }

    public boolean forget(Connection c, TenantId tenant, UUID appId, AppAccount.Kind kind, UUID subjectId)
            throws SQLException {
        return Sql.update(c, "delete from app_accounts where tenant_id = ? and app_id = ? and subject_kind = ?"
                + " and subject_id = ?", tenant.value(), appId, kind.name(), subjectId) > 0;
    }

    /** Whether the user is assigned to the application directly or through one of their groups. */
    public boolean userAssigned(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        return !Sql.list(c, "select 1 where exists (select 1 from app_user_assignments where tenant_id = ? and app_id = ?"
                + " and user_id = ?) or exists (select 1 from group_members m join app_group_assignments a"
                + " on a.tenant_id = m.tenant_id and a.group_id = m.group_id where m.tenant_id = ? and a.app_id = ?"
                + " and m.user_id = ?)", List.of(tenant.value(), appId, userId, tenant.value(), appId, userId),
                rs -> 1).isEmpty();
    }

    public boolean groupAssigned(Connection c, TenantId tenant, UUID appId, UUID groupId) throws SQLException {
        return !Sql.list(c, "select 1 from app_group_assignments where tenant_id = ? and app_id = ? and group_id = ?",
                List.of(tenant.value(), appId, groupId), rs -> 1).isEmpty();
    }

    /** The remote ids of the group's members that have an account in the application, in remote id order. */
    public List<String> memberRemoteIds(Connection c, TenantId tenant, UUID appId, UUID groupId) throws SQLException {
        return Sql.list(c, "select a.remote_id from group_members m join app_accounts a on a.tenant_id = m.tenant_id"
                + " and a.subject_kind = 'user' and a.subject_id = m.user_id where m.tenant_id = ? and m.group_id = ?"
                + " and a.app_id = ? order by a.remote_id", List.of(tenant.value(), groupId, appId),
                rs -> rs.getString(1));
    }

    /**
     * The remote ids of the groups the user belongs to that are assigned to the application and have an account
     * there: the groups a newly created user account must join.
     */
    public List<String> groupRemoteIdsOf(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        return Sql.list(c, "select a.remote_id from group_members m join app_group_assignments g"
                + " on g.tenant_id = m.tenant_id and g.group_id = m.group_id join app_accounts a"
                + " on a.tenant_id = m.tenant_id and a.app_id = g.app_id and a.subject_kind = 'group'"
                + " and a.subject_id = m.group_id where m.tenant_id = ? and m.user_id = ? and g.app_id = ?"
                + " order by a.remote_id", List.of(tenant.value(), userId, appId), rs -> rs.getString(1));
    }

    /** Which of `ids` are users of the tenant (reconciliation attributes a remote account by its externalId). */
    public Set<UUID> existingUsers(Connection c, TenantId tenant, Set<UUID> ids) throws SQLException {
        return existing(c, "users", "user_id", tenant, ids);
    }

    public Set<UUID> existingGroups(Connection c, TenantId tenant, Set<UUID> ids) throws SQLException {
        return existing(c, "groups", "group_id", tenant, ids);
    }

    private static Set<UUID> existing(Connection c, String table, String column, TenantId tenant, Set<UUID> ids)
            throws SQLException {
        if (ids.isEmpty()) {
            return Set.of();
        }
        List<UUID> found = new ArrayList<>();
        try (var s = c.prepareStatement("select " + column + " from " + table + " where tenant_id = ? and "
                + column + " = any (?)")) {
            s.setObject(1, tenant.value());
            s.setArray(2, c.createArrayOf("uuid", ids.toArray()));
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return Set.copyOf(found);
    }

    /** The tenant's applications that have a SCIM base URL and a credential: the ones reconciliation visits. */
    public List<UUID> provisionedApps(Connection c, TenantId tenant) throws SQLException {
        return Sql.list(c, "select a.app_id from applications a join application_scim_credentials s"
                + " on s.tenant_id = a.tenant_id and s.app_id = a.app_id where a.tenant_id = ?"
                + " and a.scim_base_url is not null order by a.app_id", List.of(tenant.value()),
                rs -> rs.getObject(1, UUID.class));
    }

    private static AppAccount read(java.sql.ResultSet rs) throws SQLException {
        return new AppAccount(Sql.uuid(rs, "app_id"), AppAccount.Kind.valueOf(rs.getString("subject_kind")),
                Sql.uuid(rs, "subject_id"), rs.getString("remote_id"), Optional.ofNullable(rs.getString("etag")),
                Sql.instant(rs, "provisioned_at"));
    }
}
