package iru.domain.provisioning;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The `provisioning_outbox` table (migrations/region/V11). Every method but {@link #claim} runs in a tenant's routed
 * transaction under row-level security; `claim` (and the aggregate {@link #stats}) are the paths across tenants, through
 * the SECURITY DEFINER functions `provisioning_claim` and `provisioning_outbox_stats`. A lease's rows are addressed by its token, so a worker whose lease expired and was claimed
 * again changes nothing when it finally reports.
 */
public final class ProvisioningOutbox {
    private static final int MAX_ERROR = 2000;

    /** Writes one row per entry, due at once; `traceparent` is the W3C context of the change, when sampled. */
    public void insert(Connection c, TenantId tenant, Collection<OutboxEntry> entries, String cause,
            Optional<String> traceparent) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        Timestamp now = Sql.timestamp(Sql.now());
        try (PreparedStatement s = c.prepareStatement("insert into provisioning_outbox (tenant_id, app_id,"
                + " subject_kind, subject_id, cause, traceparent, next_attempt_at, created_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (OutboxEntry entry : entries) {
                s.setObject(1, tenant.value());
                s.setObject(2, entry.appId());
                s.setString(3, entry.subjectKind());
                s.setObject(4, entry.subjectId());
                s.setString(5, cause);
                s.setString(6, traceparent.orElse(null));
                s.setTimestamp(7, now);
                s.setTimestamp(8, now);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Leases up to `batch` due subjects of any tenant in this region (run with no tenant set). */
    public List<OutboxLease> claim(Connection c, String worker, int batch, int leaseSeconds) throws SQLException {
        return Sql.list(c, "select * from public.provisioning_claim(?, ?, ?)", List.of(worker, batch, leaseSeconds),
                rs -> new OutboxLease(rs.getLong("seq"), new TenantId(Sql.uuid(rs, "tenant_id")),
                        Sql.uuid(rs, "app_id"), rs.getString("subject_kind"), Sql.uuid(rs, "subject_id"),
                        rs.getString("cause"), Optional.ofNullable(rs.getString("traceparent")),
                        rs.getInt("attempt"), Sql.uuid(rs, "lease_token")));
    }

    /**
     * How many records of this region's outbox are pending and parked, and the age of the oldest pending one, across
     * every tenant, through the SECURITY DEFINER function `provisioning_outbox_stats` (migrations/region/V16), which
     * returns these aggregates and nothing else (run with no tenant set).
     */
    public OutboxStats stats(Connection c) throws SQLException {
        return Sql.list(c, "select * from public.provisioning_outbox_stats()", List.of(),
                rs -> new OutboxStats(rs.getLong("pending"), rs.getLong("parked"),
                        rs.getDouble("oldest_pending_seconds"))).getFirst();
    }

    /**
     * These leases' subjects are in line: their leased rows are done (rows enqueued after the claims stay). One
     * statement for a batch's deliveries.
     */
    public int complete(Connection c, TenantId tenant, Collection<UUID> tokens) throws SQLException {
        if (tokens.isEmpty()) {
            return 0;
        }
        return Sql.update(c, "delete from provisioning_outbox where tenant_id = ? and lease_token = any (?)",
                tenant.value(), Sql.uuids(c, tokens));
    }

    /** Gives the leased rows back, due again at `next`, counting `attempts` failed deliveries. */
    public int retryLater(Connection c, TenantId tenant, UUID token, int attempts, Instant next, String error)
            throws SQLException {
        return Sql.update(c, "update provisioning_outbox set attempts = ?, next_attempt_at = ?, last_error = ?,"
                + " lease_owner = null, lease_token = null, lease_expires_at = null"
                + " where tenant_id = ? and lease_token = ?",
                attempts, Sql.timestamp(next), truncate(error), tenant.value(), token);
    }

    /** Parks the leased rows: no worker claims them again until someone retries them. */
    public int park(Connection c, TenantId tenant, UUID token, int attempts, String error) throws SQLException {
        return Sql.update(c, "update provisioning_outbox set attempts = ?, parked_at = ?, last_error = ?,"
                + " lease_owner = null, lease_token = null, lease_expires_at = null"
                + " where tenant_id = ? and lease_token = ?",
                attempts, Sql.timestamp(Sql.now()), truncate(error), tenant.value(), token);
    }

    /** Ends a lease without a delivery (shutdown): the rows are due at once for any worker. */
    public int release(Connection c, TenantId tenant, UUID token) throws SQLException {
        return Sql.update(c, "update provisioning_outbox set lease_owner = null, lease_token = null,"
                + " lease_expires_at = null where tenant_id = ? and lease_token = ?", tenant.value(), token);
    }

    /** Parked rows of the tenant after sequence `after`, oldest first; `limit + 1` rows to tell if there are more. */
    public List<ParkedRecord> parked(Connection c, TenantId tenant, long after, int limit) throws SQLException {
        return Sql.list(c, "select seq, id, app_id, subject_kind, subject_id, cause, attempts, last_error, parked_at,"
                + " created_at from provisioning_outbox where tenant_id = ? and parked_at is not null and seq > ?"
                + " order by seq limit ?", List.of(tenant.value(), after, limit + 1),
                rs -> new ParkedRecord(rs.getLong("seq"), Sql.uuid(rs, "id"), Sql.uuid(rs, "app_id"), rs.getString("subject_kind"),
                        Sql.uuid(rs, "subject_id"), rs.getString("cause"), rs.getInt("attempts"),
                        Optional.ofNullable(rs.getString("last_error")), Sql.instant(rs, "parked_at"),
                        Sql.instant(rs, "created_at")));
    }

    /** Requeues one parked row with a fresh count of attempts; false if the tenant has no such parked row. */
    public boolean requeue(Connection c, TenantId tenant, UUID id) throws SQLException {
        return Sql.update(c, "update provisioning_outbox set parked_at = null, attempts = 0, next_attempt_at = ?"
                + " where tenant_id = ? and id = ? and parked_at is not null",
                Sql.timestamp(Sql.now()), tenant.value(), id) == 1;
    }

    private static String truncate(String error) {
        return error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 1) + "…";
    }

    /** Who should hear of a change: the SCIM-enabled applications a user or group reaches, and their members. */
    public static final class Targets {
        private static final String SCIM_APP = "select a.app_id from applications a where a.tenant_id = ?"
                + " and a.scim_base_url is not null";

        private Targets() {
        }

        /** Applications with a SCIM endpoint the user is assigned to, directly or through a group. */
        public static List<UUID> appsOfUser(Connection c, TenantId tenant, UUID userId) throws SQLException {
            return ids(c, SCIM_APP + " and (exists (select 1 from app_user_assignments u where u.tenant_id = a.tenant_id"
                    + " and u.app_id = a.app_id and u.user_id = ?) or exists (select 1 from app_group_assignments g"
                    + " join group_members m on m.tenant_id = g.tenant_id and m.group_id = g.group_id"
                    + " where g.tenant_id = a.tenant_id and g.app_id = a.app_id and m.user_id = ?)) order by 1",
                    tenant.value(), userId, userId);
        }

        /** Applications with a SCIM endpoint the group is assigned to. */
        public static List<UUID> appsOfGroup(Connection c, TenantId tenant, UUID groupId) throws SQLException {
            return ids(c, SCIM_APP + " and exists (select 1 from app_group_assignments g where g.tenant_id = a.tenant_id"
                    + " and g.app_id = a.app_id and g.group_id = ?) order by 1", tenant.value(), groupId);
        }

        public static boolean hasScimEndpoint(Connection c, TenantId tenant, UUID appId) throws SQLException {
            return !ids(c, SCIM_APP + " and a.app_id = ?", tenant.value(), appId).isEmpty();
        }

        public static List<UUID> members(Connection c, TenantId tenant, UUID groupId) throws SQLException {
            return ids(c, "select user_id from group_members where tenant_id = ? and group_id = ? order by 1",
                    tenant.value(), groupId);
        }

        /** Everyone assigned to the application, directly or through a group, once each. */
        public static List<UUID> effectiveUsers(Connection c, TenantId tenant, UUID appId) throws SQLException {
            return ids(c, "select user_id from app_user_assignments where tenant_id = ? and app_id = ?"
                    + " union select m.user_id from group_members m join app_group_assignments g"
                    + " on g.tenant_id = m.tenant_id and g.group_id = m.group_id where g.tenant_id = ? and g.app_id = ?"
                    + " order by 1", tenant.value(), appId, tenant.value(), appId);
        }

        public static List<UUID> assignedGroups(Connection c, TenantId tenant, UUID appId) throws SQLException {
            return ids(c, "select group_id from app_group_assignments where tenant_id = ? and app_id = ? order by 1",
                    tenant.value(), appId);
        }

        private static List<UUID> ids(Connection c, String sql, Object... args) throws SQLException {
            List<Object> bound = new ArrayList<>(List.of(args));
            return Sql.list(c, sql, bound, rs -> rs.getObject(1, UUID.class));
        }
    }
}
