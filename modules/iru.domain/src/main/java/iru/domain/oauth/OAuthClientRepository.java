package iru.domain.oauth;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import iru.foundation.crypto.Digests;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The client secrets of the tenant's applications (each application is an OAuth client, its id the client id). Only
 * the SHA-256 hash of a secret is stored; presented secrets are compared in constant time.
 */
public final class OAuthClientRepository {
    private static final byte[] NO_SECRET = new byte[32];

    /** Whether the application exists in the tenant (a client id that names nothing is not a client). */
    public boolean applicationExists(Connection c, TenantId tenant, UUID appId) throws SQLException {
        return !Sql.list(c, "select 1 from applications where tenant_id = ? and app_id = ?",
                List.of(tenant.value(), appId), rs -> 1).isEmpty();
    }

    /** Stores `secretHash` as the application's only secret, replacing any earlier one. */
    public void replaceSecret(Connection c, TenantId tenant, UUID appId, byte[] secretHash, Instant now)
            throws SQLException {
        Sql.update(c, "insert into oauth_clients (tenant_id, app_id, secret_hash, secret_created_at)"
                + " values (?, ?, ?, ?) on conflict (tenant_id, app_id) do update"
                + " set secret_hash = excluded.secret_hash, secret_created_at = excluded.secret_created_at",
                tenant.value(), appId, secretHash, Timestamp.from(now));
    }

    /**
     * Whether `presentedSecret` is the current secret of client `appId`. The digest comparison runs even when the
     * client has no secret, so an unknown client id takes as long as a wrong secret.
     */
    public boolean secretMatches(Connection c, TenantId tenant, UUID appId, String presentedSecret)
            throws SQLException {
        Optional<byte[]> stored = Sql.list(c, "select secret_hash from oauth_clients where tenant_id = ? and app_id = ?",
                List.of(tenant.value(), appId), rs -> rs.getBytes(1)).stream().findFirst();
        boolean equal = MessageDigest.isEqual(Digests.sha256(presentedSecret), stored.orElse(NO_SECRET));
        return stored.isPresent() && equal;
    }

    /** The application's registered redirect URIs, or empty if no such application exists in the tenant. */
    public Optional<List<String>> redirectUris(Connection c, TenantId tenant, UUID appId) throws SQLException {
        return Sql.list(c, "select redirect_uris from applications where tenant_id = ? and app_id = ?",
                List.of(tenant.value(), appId), rs -> List.of((String[]) rs.getArray(1).getArray())).stream()
                .findFirst();
    }

    /** Whether the user is assigned to the application, directly or through a group, and active. */
    public boolean mayUse(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        return !Sql.list(c, "select 1 from users u where u.tenant_id = ? and u.user_id = ? and u.status = 'active'"
                + " and (exists (select 1 from app_user_assignments where tenant_id = u.tenant_id and app_id = ?"
                + " and user_id = u.user_id) or exists (select 1 from group_members m join app_group_assignments a"
                + " on a.tenant_id = m.tenant_id and a.group_id = m.group_id where m.tenant_id = u.tenant_id"
                + " and m.user_id = u.user_id and a.app_id = ?))",
                List.of(tenant.value(), userId, appId, appId), rs -> 1).isEmpty();
    }

    /** When the session with this hash began (the user's authentication time), if it is live. */
    public Optional<Instant> sessionStarted(Connection c, TenantId tenant, byte[] sessionHash) throws SQLException {
        return Sql.list(c, "select created_at from sessions where tenant_id = ? and session_hash = ?"
                + " and expires_at > now()", List.of(tenant.value(), sessionHash), rs -> Sql.instant(rs, "created_at"))
                .stream().findFirst();
    }
}
