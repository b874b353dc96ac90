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
     * The allowed scopes of client `appId` if `presentedSecret` is its current secret, else empty. The digest
     * comparison runs even when the client has no secret, so an unknown client id takes as long as a wrong secret.
     */
    public Optional<List<String>> secretAuthenticates(Connection c, TenantId tenant, UUID appId,
            String presentedSecret) throws SQLException {
        Optional<Stored> stored = Sql.list(c, "select s.secret_hash, a.allowed_scopes from oauth_clients s"
                + " join applications a on a.tenant_id = s.tenant_id and a.app_id = s.app_id"
                + " where s.tenant_id = ? and s.app_id = ?", List.of(tenant.value(), appId),
                rs -> new Stored(rs.getBytes(1), textArray(rs, 2))).stream().findFirst();
        boolean equal = MessageDigest.isEqual(Digests.sha256(presentedSecret),
                stored.map(Stored::secretHash).orElse(NO_SECRET));
        return stored.filter(s -> equal).map(Stored::allowedScopes);
    }

    private record Stored(byte[] secretHash, List<String> allowedScopes) {
    }

    /** A client's registered public JWK set (JSON) and its allowed scopes, for `private_key_jwt`. */
    public record RegisteredKeys(String jwks, List<String> allowedScopes) {
    }

    /** The public JWK set registered for client `appId`, if it has one. */
    public Optional<RegisteredKeys> keys(Connection c, TenantId tenant, UUID appId) throws SQLException {
        return Sql.list(c, "select k.jwks::text, a.allowed_scopes from oauth_client_keys k join applications a"
                + " on a.tenant_id = k.tenant_id and a.app_id = k.app_id where k.tenant_id = ? and k.app_id = ?",
                List.of(tenant.value(), appId), rs -> new RegisteredKeys(rs.getString(1), textArray(rs, 2))).stream()
                .findFirst();
    }

    /** Stores `jwks` (a public JWK set, JSON) as the client's keys, replacing any earlier set; none removes them. */
    public void replaceKeys(Connection c, TenantId tenant, UUID appId, Optional<String> jwks, Instant now)
            throws SQLException {
        if (jwks.isEmpty()) {
            Sql.update(c, "delete from oauth_client_keys where tenant_id = ? and app_id = ?", tenant.value(), appId);
            return;
        }
        Sql.update(c, "insert into oauth_client_keys (tenant_id, app_id, jwks, updated_at) values (?, ?, ?::jsonb, ?)"
                + " on conflict (tenant_id, app_id) do update set jwks = excluded.jwks, updated_at = excluded.updated_at",
                tenant.value(), appId, jwks.get(), Timestamp.from(now));
    }

    /**
     * Records the `jti` of an accepted client assertion until `expiresAt`; false if the client already used it (a
     * replay). One statement, so two concurrent uses cannot both succeed.
     */
    public boolean recordAssertion(Connection c, TenantId tenant, UUID clientId, byte[] jtiHash, Instant now,
            Instant expiresAt) throws SQLException {
        return Sql.update(c, "insert into oauth_client_assertions (tenant_id, client_id, jti_hash, created_at,"
                + " expires_at) values (?, ?, ?, ?, ?) on conflict do nothing", tenant.value(), clientId, jtiHash,
                Timestamp.from(now), Timestamp.from(expiresAt)) == 1;
    }

    /** What the authorization endpoint needs of a client. */
    public record Registration(List<String> redirectUris, List<String> allowedScopes) {
    }

    /** The application's registered redirect URIs and allowed scopes, or empty if no such application exists. */
    public Optional<Registration> registration(Connection c, TenantId tenant, UUID appId) throws SQLException {
        return Sql.list(c, "select redirect_uris, allowed_scopes from applications where tenant_id = ? and app_id = ?",
                List.of(tenant.value(), appId), rs -> new Registration(textArray(rs, 1), textArray(rs, 2))).stream()
                .findFirst();
    }

    private static List<String> textArray(java.sql.ResultSet rs, int column) throws SQLException {
        return List.of((String[]) rs.getArray(column).getArray());
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
