package iru.domain.provisioning;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        return Optional.ofNullable(findAll(c, tenant, appId, kind, List.of(subjectId)).get(subjectId));
    }

    /** The accounts of these subjects in the application, by subject id (those that have none are absent). */
    public Map<UUID, AppAccount> findAll(Connection c, TenantId tenant, UUID appId, AppAccount.Kind kind,
            Collection<UUID> subjectIds) throws SQLException {
        Map<UUID, AppAccount> found = new HashMap<>();
        for (AppAccount account : Sql.list(c, "select " + COLUMNS + " from app_accounts where tenant_id = ?"
                + " and app_id = ? and subject_kind = ? and subject_id = any (?)", List.of(tenant.value(), appId,
                kind.name(), Sql.uuids(c, subjectIds)), AppAccountRepository::read)) {
            found.put(account.subjectId(), account);
        }
        return found;
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
        rememberAll(c, tenant, List.of(new Remote(appId, kind, subjectId, remoteId, etag)));
    }

    /** A subject's account as the application names it. */
    public record Remote(UUID appId, AppAccount.Kind kind, UUID subjectId, String remoteId, Optional<String> etag) {
        public Remote {
            if (remoteId.length() > MAX_REMOTE || etag.map(String::length).orElse(0) > MAX_REMOTE) {
                throw new IllegalArgumentException("the application's id or ETag is longer than " + MAX_REMOTE);
            }
        }
    }

    /** {@link #remember} of several accounts, sent as one JDBC batch. */
    public void rememberAll(Connection c, TenantId tenant, Collection<Remote> accounts) throws SQLException {
        if (accounts.isEmpty()) {
            return;
        }
        Timestamp now = Sql.timestamp(Sql.now());
        try (PreparedStatement s = c.prepareStatement("insert into app_accounts (tenant_id, app_id, subject_kind,"
                + " subject_id, remote_id, etag, provisioned_at) values (?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (tenant_id, app_id, subject_kind, subject_id) do update set remote_id ="
                + " excluded.remote_id, etag = excluded.etag, provisioned_at = excluded.provisioned_at")) {
            for (Remote a : accounts) {
                s.setObject(1, tenant.value());
                s.setObject(2, a.appId());
                s.setString(3, a.kind().name());
                s.setObject(4, a.subjectId());
                s.setString(5, a.remoteId());
                s.setString(6, a.etag().orElse(null));
                s.setTimestamp(7, now);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public boolean forget(Connection c, TenantId tenant, UUID appId, AppAccount.Kind kind, UUID subjectId)
            throws SQLException {
        return Sql.update(c, "delete from app_accounts where tenant_id = ? and app_id = ? and subject_kind = ?"
                + " and subject_id = ?", tenant.value(), appId, kind.name(), subjectId) > 0;
    }

    /** Whether the user is assigned to the application directly or through one of their groups. */
    public boolean userAssigned(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        return assignedUsers(c, tenant, appId, List.of(userId)).contains(userId);
    }

    /** Which of these users are assigned to the application, directly or through one of their groups. */
    public Set<UUID> assignedUsers(Connection c, TenantId tenant, UUID appId, Collection<UUID> userIds)
            throws SQLException {
        java.sql.Array ids = Sql.uuids(c, userIds);
        return Set.copyOf(Sql.list(c, "select user_id from app_user_assignments where tenant_id = ? and app_id = ?"
                + " and user_id = any (?) union select m.user_id from group_members m join app_group_assignments a"
                + " on a.tenant_id = m.tenant_id and a.group_id = m.group_id where m.tenant_id = ? and a.app_id = ?"
                + " and m.user_id = any (?)", List.of(tenant.value(), appId, ids, tenant.value(), appId, ids),
                rs -> rs.getObject(1, UUID.class)));
    }

    public boolean groupAssigned(Connection c, TenantId tenant, UUID appId, UUID groupId) throws SQLException {
        return !Sql.list(c, "select 1 from app_group_assignments where tenant_id = ? and app_id = ? and group_id = ?",
                List.of(tenant.value(), appId, groupId), rs -> 1).isEmpty();
    }

    /**
     * The remote ids of the group's members that have an account in the application, in remote id order. The members
     * are read first, as one array, and their accounts looked up by primary key: as a join, on the statistics of
     * tables a bulk assignment has just filled (not yet analyzed), the planner nested the two scans with the member
     * match as a filter, members x accounts rows (2,000 members: ~800 ms per read). This plan is linear whatever the
     * statistics say.
     */
    public List<String> memberRemoteIds(Connection c, TenantId tenant, UUID appId, UUID groupId) throws SQLException {
        return Sql.list(c, "select a.remote_id from app_accounts a where a.tenant_id = ? and a.app_id = ?"
                + " and a.subject_kind = 'user' and a.subject_id = any (array(select m.user_id from group_members m"
                + " where m.tenant_id = ? and m.group_id = ?)) order by a.remote_id",
                List.of(tenant.value(), appId, tenant.value(), groupId), rs -> rs.getString(1));
    }

    /**
     * The remote ids of the groups the user belongs to that are assigned to the application and have an account
     * there: the groups a newly created user account must join.
     */
    public List<String> groupRemoteIdsOf(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        return groupRemoteIdsOf(c, tenant, appId, List.of(userId)).getOrDefault(userId, List.of());
    }

    /** {@link #groupRemoteIdsOf(Connection, TenantId, UUID, UUID)} of several users at once, by user id. */
    public Map<UUID, List<String>> groupRemoteIdsOf(Connection c, TenantId tenant, UUID appId,
            Collection<UUID> userIds) throws SQLException {
        Map<UUID, List<String>> byUser = new HashMap<>();
        Sql.list(c, "select m.user_id, a.remote_id from group_members m join app_group_assignments g"
                + " on g.tenant_id = m.tenant_id and g.group_id = m.group_id join app_accounts a"
                + " on a.tenant_id = m.tenant_id and a.app_id = g.app_id and a.subject_kind = 'group'"
                + " and a.subject_id = m.group_id where m.tenant_id = ? and m.user_id = any (?) and g.app_id = ?"
                + " order by m.user_id, a.remote_id", List.of(tenant.value(), Sql.uuids(c, userIds), appId), rs -> {
                    byUser.computeIfAbsent(rs.getObject(1, UUID.class), u -> new ArrayList<>()).add(rs.getString(2));
                    return null;
                });
        return byUser;
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
