package iru.domain.session;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Server-side sessions (ephemeral), keyed by the SHA-256 hash of the cookie value: the value itself is never
 * stored. `expires_at` is the earlier of the idle and the absolute deadline and moves forward only on use.
 */
public final class SessionRepository {
    public void insert(Connection c, TenantId tenant, byte[] sessionHash, UUID userId, Instant now, Duration idle,
            Duration absolute) throws SQLException {
        Instant absoluteEnd = now.plus(absolute);
        Instant end = now.plus(idle).isBefore(absoluteEnd) ? now.plus(idle) : absoluteEnd;
        Sql.update(c, "insert into sessions (tenant_id, session_hash, user_id, created_at, last_seen_at,"
                + " absolute_expires_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)", tenant.value(), sessionHash,
                userId, Sql.timestamp(now), Sql.timestamp(now), Sql.timestamp(absoluteEnd), Sql.timestamp(end));
    }

    /**
     * The user of a live session, whose idle deadline this use pushes forward (never past the absolute one), and only
     * while the user is active: a deactivated user's sessions stop working at once.
     */
    public Optional<LiveSession> touch(Connection c, TenantId tenant, byte[] sessionHash, Instant now, Duration idle)
            throws SQLException {
        return Sql.list(c, "update sessions s set last_seen_at = ?, expires_at = least(s.absolute_expires_at, ?)"
                + " from users u where s.tenant_id = ? and s.session_hash = ? and s.expires_at > ?"
                + " and u.tenant_id = s.tenant_id and u.user_id = s.user_id and u.status = 'active'"
                + " returning s.user_id, u.user_name, coalesce(u.display_name, u.user_name) as shown, s.expires_at",
                List.of(Sql.timestamp(now), Sql.timestamp(now.plus(idle)), tenant.value(), sessionHash,
                        Sql.timestamp(now)), rs -> new LiveSession(Sql.uuid(rs, "user_id"), rs.getString("user_name"),
                        rs.getString("shown"), Sql.instant(rs, "expires_at"))).stream().findFirst();
    }

    public boolean delete(Connection c, TenantId tenant, byte[] sessionHash) throws SQLException {
        return Sql.update(c, "delete from sessions where tenant_id = ? and session_hash = ?", tenant.value(),
                sessionHash) > 0;
    }

    public int deleteForUser(Connection c, TenantId tenant, UUID userId) throws SQLException {
        return Sql.update(c, "delete from sessions where tenant_id = ? and user_id = ?", tenant.value(), userId);
    }

    public int purgeExpired(Connection c, TenantId tenant, Instant now) throws SQLException {
        return Sql.update(c, "delete from sessions where tenant_id = ? and expires_at <= ?", tenant.value(),
                Sql.timestamp(now));
    }
}
