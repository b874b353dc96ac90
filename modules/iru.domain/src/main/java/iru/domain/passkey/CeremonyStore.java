package iru.domain.passkey;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The short-lived secrets of passkey ceremonies, each stored only as its SHA-256 hash: enrollment tokens (one per
 * link, single use) and WebAuthn challenges (single use, bound to the browser pre-session that asked for them).
 * Consuming is a `delete … returning`, so two concurrent uses of one secret cannot both succeed.
 */
public final class CeremonyStore {
    /** What a challenge is for. */
    public enum Purpose { registration, authentication }

    /** A consumed challenge: for registration, the enrollment whose token asked for it. */
    public record ConsumedChallenge(Purpose purpose, Optional<byte[]> enrollmentHash) {
    }

    public void createEnrollment(Connection c, TenantId tenant, byte[] tokenHash, UUID userId, Instant now,
            Instant expiresAt) throws SQLException {
        Sql.update(c, "insert into passkey_enrollments (tenant_id, token_hash, user_id, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?)", tenant.value(), tokenHash, userId, Sql.timestamp(now),
                Sql.timestamp(expiresAt));
    }

    /** The user a live (unexpired, unused) enrollment token enrolls. */
    public Optional<UUID> liveEnrollment(Connection c, TenantId tenant, byte[] tokenHash, Instant now)
            throws SQLException {
        return Sql.list(c, "select user_id from passkey_enrollments where tenant_id = ? and token_hash = ?"
                + " and expires_at > ?", List.of(tenant.value(), tokenHash, Sql.timestamp(now)),
                rs -> Sql.uuid(rs, "user_id")).stream().findFirst();
    }

    /** Uses up a live enrollment token; empty if it was expired, already used, or never existed. */
    public Optional<UUID> consumeEnrollment(Connection c, TenantId tenant, byte[] tokenHash, Instant now)
            throws SQLException {
        return Sql.list(c, "delete from passkey_enrollments where tenant_id = ? and token_hash = ? and expires_at > ?"
                + " returning user_id", List.of(tenant.value(), tokenHash, Sql.timestamp(now)),
                rs -> Sql.uuid(rs, "user_id")).stream().findFirst();
    }

    public void createChallenge(Connection c, TenantId tenant, byte[] challengeHash, byte[] presessionHash,
            Purpose purpose, Optional<byte[]> enrollmentHash, Instant now, Instant expiresAt) throws SQLException {
        Sql.update(c, "insert into webauthn_challenges (tenant_id, challenge_hash, presession_hash, purpose,"
                + " enrollment_hash, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)", tenant.value(),
                challengeHash, presessionHash, purpose.name(), enrollmentHash.orElse(null), Sql.timestamp(now),
                Sql.timestamp(expiresAt));
    }

    /**
     * Uses up a challenge if it exists, is unexpired, has this purpose and was issued to this pre-session. A challenge
     * presented from another pre-session is left alone (its owner may still answer it).
     */
    public Optional<ConsumedChallenge> consumeChallenge(Connection c, TenantId tenant, byte[] challengeHash,
            byte[] presessionHash, Purpose purpose, Instant now) throws SQLException {
        return Sql.list(c, "delete from webauthn_challenges where tenant_id = ? and challenge_hash = ?"
                + " and presession_hash = ? and purpose = ? and expires_at > ? returning purpose, enrollment_hash",
                List.of(tenant.value(), challengeHash, presessionHash, purpose.name(), Sql.timestamp(now)),
                rs -> new ConsumedChallenge(Purpose.valueOf(rs.getString("purpose")),
                        Optional.ofNullable(rs.getBytes("enrollment_hash")))).stream().findFirst();
    }

    /** Removes the tenant's expired ceremony state; returns how many rows went. */
    public int purgeExpired(Connection c, TenantId tenant, Instant now) throws SQLException {
        return Sql.update(c, "delete from webauthn_challenges where tenant_id = ? and expires_at <= ?", tenant.value(),
                Sql.timestamp(now))
                + Sql.update(c, "delete from passkey_enrollments where tenant_id = ? and expires_at <= ?",
                        tenant.value(), Sql.timestamp(now));
    }
}
