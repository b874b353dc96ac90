package iru.domain.tenant;

import iru.foundation.config.Region;
import iru.foundation.database.DataAccessException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The global directory's view of tenants: routing facts only. Every method runs inside a directory transaction.
 */
public final class TenantDirectory {
    /** Channel on which the directory announces changes, so tenant planes drop cached routes at once. */
    public static final String CHANGE_CHANNEL = "iru_tenant_directory";

    /** A previously seen creation request for an Idempotency-Key. */
    public record CreationRequest(TenantId tenantId, byte[] fingerprint) {
    }

    /** Reserves the slug with a `provisioning` entry; a slug is never reused, even after its tenant was deleted. */
    public void reserve(Connection c, TenantId id, TenantSlug slug, Region region) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "insert into tenant_directory (id, slug, region, status) values (?, ?, ?, 'provisioning')")) {
            s.setObject(1, id.value());
            s.setString(2, slug.value());
            s.setString(3, region.code());
            s.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new SlugTakenException(slug);
            }
            throw e;
        }
    }

    public void recordCreationRequest(Connection c, String idempotencyKey, byte[] fingerprint, TenantId id)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into tenant_creation_requests"
                + " (idempotency_key, request_fingerprint, tenant_id) values (?, ?, ?)")) {
            s.setString(1, idempotencyKey);
            s.setBytes(2, fingerprint);
            s.setObject(3, id.value());
            s.executeUpdate();
        }
    }

    /** Locks and returns the request recorded for this key, so concurrent retries of one creation take turns. */
    public Optional<CreationRequest> findCreationRequest(Connection c, String idempotencyKey) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select tenant_id, request_fingerprint from"
                + " tenant_creation_requests where idempotency_key = ? for update")) {
            s.setString(1, idempotencyKey);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next()
                        ? Optional.of(new CreationRequest(new TenantId(rs.getObject(1, UUID.class)), rs.getBytes(2)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Makes a finished creation routable and announces it, so a tenant plane that cached the slug as unknown a moment
     * ago resolves it now instead of when that miss expires.
     */
    public void activate(Connection c, TenantId id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "update tenant_directory set status = 'active' where id = ? and status = 'provisioning' returning slug")) {
            s.setObject(1, id.value());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    announce(c, rs.getString(1));
                }
            }
        }
    }

    /**
     * Moves a live tenant between `active` and `suspended` and announces it, so tenant planes stop (or resume)
     * serving it at once rather than when their cached route expires.
     *
     * @throws TenantNotFoundException if the tenant is no longer live (deleted meanwhile)
     */
    public void changeStatus(Connection c, TenantLocation location, TenantStatus status) throws SQLException {
        if (status != TenantStatus.active && status != TenantStatus.suspended) {
            throw new IllegalArgumentException("a live tenant is active or suspended, not " + status);
        }
        try (PreparedStatement s = c.prepareStatement("update tenant_directory set status = ?"
                + " where id = ? and status in ('active', 'suspended')")) {
            s.setString(1, status.name());
            s.setObject(2, location.id().value());
            if (s.executeUpdate() == 0) {
                throw new TenantNotFoundException(location.id().toString());
            }
        }
        announce(c, location.slug().value());
    }

    /** Undoes a reservation whose regional record could not be written. */
    public void release(Connection c, TenantId id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "delete from tenant_creation_requests where tenant_id = ?;"
                        + " delete from tenant_directory where id = ? and status = 'provisioning'")) {
            s.setObject(1, id.value());
            s.setObject(2, id.value());
            s.execute();
        }
    }

    /** Marks a tenant deleted and announces it; the entry stays as a tombstone. */
    public void tombstone(Connection c, TenantLocation location) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "update tenant_directory set status = 'deleted', deleted_at = now() where id = ?")) {
            s.setObject(1, location.id().value());
            s.executeUpdate();
        }
        announce(c, location.slug().value());
    }

    /** Tells tenant planes to drop what they cached for this slug; delivered when the transaction commits. */
    private static void announce(Connection c, String slug) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_notify(?, ?)")) {
            s.setString(1, CHANGE_CHANNEL);
            s.setString(2, slug);
            s.execute();
        }
    }

    public Optional<TenantLocation> findById(Connection c, TenantId id) throws SQLException {
        return one(c, "select id, slug, region, status from tenant_directory where id = ?", id.value());
    }

    /** The live tenant with this slug: `active`, or `suspended` (which routing refuses with its own answer). */
    public Optional<TenantLocation> findLiveBySlug(Connection c, TenantSlug slug) throws SQLException {
        return one(c, "select id, slug, region, status from tenant_directory where slug = ?"
                + " and status in ('active', 'suspended')", slug.value());
    }

    /** Live (active or suspended) tenants ordered by id, after `after` (exclusive), at most `limit`. */
    public List<TenantLocation> pageOfLive(Connection c, Optional<TenantId> after, int limit) throws SQLException {
        List<TenantLocation> page = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select id, slug, region, status from tenant_directory"
                + " where status in ('active', 'suspended') and id > ? order by id limit ?")) {
            // new UUID(0, 0) sorts first in PostgreSQL, which compares uuids as unsigned bytes
            s.setObject(1, after.map(TenantId::value).orElse(new UUID(0, 0)));
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    page.add(location(rs));
                }
            }
        }
        return page;
    }

    /**
     * Creations left `provisioning` for longer than `olderThan` (a process died between the two databases), locked
     * and skipped if another instance is already looking at them.
     */
    public List<TenantLocation> staleProvisioning(Connection c, java.time.Duration olderThan, int limit)
            throws SQLException {
        List<TenantLocation> stale = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select id, slug, region, status from tenant_directory"
                + " where status = 'provisioning' and created_at < now() - make_interval(secs => ?)"
                + " order by created_at limit ? for update skip locked")) {
            s.setLong(1, olderThan.toSeconds());
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stale.add(location(rs));
                }
            }
        }
        return stale;
    }

    /** Every tenant (any status) pinned to `region`; `verify-audit` walks their journals. */
    public List<TenantId> allInRegion(Connection c, Region region) throws SQLException {
        List<TenantId> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select id from tenant_directory where region = ? order by id")) {
            s.setString(1, region.code());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(new TenantId(rs.getObject(1, UUID.class)));
                }
            }
        }
        return ids;
    }

    private static Optional<TenantLocation> one(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(location(rs)) : Optional.empty();
            }
        }
    }

    private static TenantLocation location(ResultSet rs) throws SQLException {
        Region region = Region.fromCode(rs.getString(3))
                .orElseThrow(() -> new DataAccessException(new SQLException("unknown region in directory")));
        return new TenantLocation(new TenantId(rs.getObject(1, UUID.class)), new TenantSlug(rs.getString(2)), region,
                TenantStatus.valueOf(rs.getString(4)));
    }
}
