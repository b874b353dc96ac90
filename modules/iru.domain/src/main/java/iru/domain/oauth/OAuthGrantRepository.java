package iru.domain.oauth;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Authorization codes, grants (a user's authorization of a client, the refresh token family) and refresh tokens.
 * Codes and refresh tokens are stored only as SHA-256 hashes of the values handed out.
 */
public final class OAuthGrantRepository {

    /** What an authorization code is bound to. */
    public record AuthorizationCode(UUID clientId, String redirectUri, String codeChallenge, Optional<String> nonce,
            String scope, UUID userId, byte[] sessionHash, Instant authTime, Instant usableUntil,
            Optional<Instant> consumedAt, Optional<UUID> grantId) {
        public AuthorizationCode {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(redirectUri, "redirectUri");
            Objects.requireNonNull(codeChallenge, "codeChallenge");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(sessionHash, "sessionHash");
            Objects.requireNonNull(authTime, "authTime");
            Objects.requireNonNull(usableUntil, "usableUntil");
            Objects.requireNonNull(consumedAt, "consumedAt");
            Objects.requireNonNull(grantId, "grantId");
        }
    }

    /** A user's authorization of a client; everything issued under it dies with it. */
    public record Grant(UUID grantId, UUID clientId, UUID userId, String scope, Instant authTime, Instant expiresAt) {
        public Grant {
            Objects.requireNonNull(grantId, "grantId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(authTime, "authTime");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /** A refresh token's state. */
    public record RefreshToken(UUID grantId, Optional<Instant> consumedAt, Instant expiresAt) {
    }

    private static final String CODE_COLUMNS = "client_id, redirect_uri, code_challenge, nonce, scope, user_id,"
            + " session_hash, auth_time, usable_until, consumed_at, grant_id";

    public void insertCode(Connection c, TenantId tenant, byte[] codeHash, AuthorizationCode code, Instant now,
            Instant keepUntil) throws SQLException {
        Sql.update(c, "insert into oauth_codes (tenant_id, code_hash, " + CODE_COLUMNS + ", created_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, ?, ?)",
                tenant.value(), codeHash, code.clientId(), code.redirectUri(), code.codeChallenge(),
                code.nonce().orElse(null), code.scope(), code.userId(), code.sessionHash(), ts(code.authTime()),
                ts(code.usableUntil()), ts(now), ts(keepUntil));
    }

    /**
     * Redeems a code: marks it consumed if it is unconsumed and still usable, in one statement, so two concurrent
     * redemptions cannot both succeed. Empty if it was not redeemable.
     */
    public Optional<AuthorizationCode> consumeCode(Connection c, TenantId tenant, byte[] codeHash, Instant now)
            throws SQLException {
        return Sql.list(c, "update oauth_codes set consumed_at = ? where tenant_id = ? and code_hash = ?"
                + " and consumed_at is null and usable_until > ? returning " + CODE_COLUMNS,
                List.of(ts(now), tenant.value(), codeHash, ts(now)), OAuthGrantRepository::code).stream().findFirst();
    }

    /** The code with this hash whatever its state, while its row is kept (for replay detection). */
    public Optional<AuthorizationCode> findCode(Connection c, TenantId tenant, byte[] codeHash, Instant now)
            throws SQLException {
        return Sql.list(c, "select " + CODE_COLUMNS + " from oauth_codes where tenant_id = ? and code_hash = ?"
                + " and expires_at > ? for update", List.of(tenant.value(), codeHash, ts(now)),
                OAuthGrantRepository::code).stream().findFirst();
    }

    public void recordCodeGrant(Connection c, TenantId tenant, byte[] codeHash, UUID grantId) throws SQLException {
        Sql.update(c, "update oauth_codes set grant_id = ? where tenant_id = ? and code_hash = ?", grantId,
                tenant.value(), codeHash);
    }

    /** Stores a grant issued under the browser session with hash `sessionHash` (its code's session). */
    public void insertGrant(Connection c, TenantId tenant, Grant grant, byte[] sessionHash, Instant now)
            throws SQLException {
        Sql.update(c, "insert into oauth_grants (tenant_id, grant_id, client_id, user_id, scope, auth_time, created_at,"
                + " expires_at, session_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", tenant.value(), grant.grantId(),
                grant.clientId(), grant.userId(), grant.scope(), ts(grant.authTime()), ts(now), ts(grant.expiresAt()),
                sessionHash);
    }

    public Optional<Grant> findGrant(Connection c, TenantId tenant, UUID grantId, Instant now) throws SQLException {
        return Sql.list(c, "select grant_id, client_id, user_id, scope, auth_time, expires_at from oauth_grants"
                + " where tenant_id = ? and grant_id = ? and expires_at > ?", List.of(tenant.value(), grantId, ts(now)),
                rs -> new Grant(Sql.uuid(rs, "grant_id"), Sql.uuid(rs, "client_id"), Sql.uuid(rs, "user_id"),
                        rs.getString("scope"), Sql.instant(rs, "auth_time"), Sql.instant(rs, "expires_at")))
                .stream().findFirst();
    }

    /** Revokes a grant and, by cascade, its refresh tokens. */
    public boolean deleteGrant(Connection c, TenantId tenant, UUID grantId) throws SQLException {
        return Sql.update(c, "delete from oauth_grants where tenant_id = ? and grant_id = ?", tenant.value(),
                grantId) > 0;
    }

    /** Revokes every grant issued under the browser session with this hash (sign-out, RP-initiated logout). */
    public int deleteGrantsOfSession(Connection c, TenantId tenant, byte[] sessionHash) throws SQLException {
        return Sql.update(c, "delete from oauth_grants where tenant_id = ? and session_hash = ?", tenant.value(),
                sessionHash);
    }

    /** Revokes every grant of a user (an administrator revoked the user's sessions). */
    public int deleteGrantsOfUser(Connection c, TenantId tenant, UUID userId) throws SQLException {
        return Sql.update(c, "delete from oauth_grants where tenant_id = ? and user_id = ?", tenant.value(), userId);
    }

    public void insertRefreshToken(Connection c, TenantId tenant, byte[] tokenHash, UUID grantId, Instant now,
            Instant expiresAt) throws SQLException {
        Sql.update(c, "insert into oauth_refresh_tokens (tenant_id, token_hash, grant_id, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?)", tenant.value(), tokenHash, grantId, ts(now), ts(expiresAt));
    }

    /** The refresh token with this hash, locked for the rest of the transaction. */
    public Optional<RefreshToken> lockRefreshToken(Connection c, TenantId tenant, byte[] tokenHash)
            throws SQLException {
        return Sql.list(c, "select grant_id, consumed_at, expires_at from oauth_refresh_tokens where tenant_id = ?"
                + " and token_hash = ? for update", List.of(tenant.value(), tokenHash),
                rs -> new RefreshToken(Sql.uuid(rs, "grant_id"), Optional.ofNullable(Sql.instant(rs, "consumed_at")),
                        Sql.instant(rs, "expires_at"))).stream().findFirst();
    }

    public void consumeRefreshToken(Connection c, TenantId tenant, byte[] tokenHash, Instant now) throws SQLException {
        Sql.update(c, "update oauth_refresh_tokens set consumed_at = ? where tenant_id = ? and token_hash = ?",
                ts(now), tenant.value(), tokenHash);
    }

    private static AuthorizationCode code(ResultSet rs) throws SQLException {
        return new AuthorizationCode(Sql.uuid(rs, "client_id"), rs.getString("redirect_uri"),
                rs.getString("code_challenge"), Optional.ofNullable(rs.getString("nonce")), rs.getString("scope"),
                Sql.uuid(rs, "user_id"), rs.getBytes("session_hash"), Sql.instant(rs, "auth_time"),
                Sql.instant(rs, "usable_until"), Optional.ofNullable(Sql.instant(rs, "consumed_at")),
                Optional.ofNullable(Sql.uuid(rs, "grant_id")));
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    /**
     * Removes the tenant's expired codes, refresh tokens, grants (a grant takes its refresh tokens with it) and
     * remembered client assertion ids.
     */
    public int purgeExpired(Connection c, TenantId tenant, Instant now)
            throws SQLException {
        Timestamp at = Sql.timestamp(now);
        return Sql.update(c, "delete from oauth_codes where tenant_id = ? and expires_at <= ?",
                        tenant.value(), at)
                + Sql.update(c, "delete from oauth_refresh_tokens where tenant_id = ?"
                        + " and expires_at <= ?", tenant.value(), at)
                + Sql.update(c, "delete from oauth_grants where tenant_id = ? and expires_at <= ?",
                        tenant.value(), at)
                + Sql.update(c, "delete from oauth_client_assertions where tenant_id = ? and expires_at <= ?",
                        tenant.value(), at);
    }
}
