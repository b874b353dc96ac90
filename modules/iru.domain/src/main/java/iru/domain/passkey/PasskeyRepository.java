package iru.domain.passkey;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Passkeys (journaled: added, renamed, removed) and their counters (ephemeral: touched on every sign-in, so a sign-in
 * never queues behind the tenant's journal lock). Every query names the tenant as well as relying on row-level
 * security, so a credential id is only ever found in its own tenant.
 */
public final class PasskeyRepository {
    private static final String SELECT = "select p.credential_id, p.user_id, p.public_key_cose, p.aaguid,"
            + " p.backup_eligible, c.backup_state, c.sign_count, p.transports, p.name, p.created_at, c.last_used_at"
            + " from passkeys p join passkey_counters c on c.tenant_id = p.tenant_id"
            + " and c.credential_id = p.credential_id";

    public void insert(Connection c, TenantId tenant, Passkey passkey) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into passkeys (tenant_id, credential_id, user_id,"
                + " public_key_cose, aaguid, backup_eligible, transports, name, created_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, tenant.value());
            s.setBytes(2, passkey.credentialId());
            s.setObject(3, passkey.userId());
            s.setBytes(4, passkey.publicKeyCose());
            s.setObject(5, passkey.aaguid());
            s.setBoolean(6, passkey.backupEligible());
            s.setArray(7, c.createArrayOf("text", passkey.transports().toArray()));
            s.setString(8, passkey.name());
            s.setTimestamp(9, Sql.timestamp(passkey.createdAt()));
            s.executeUpdate();
        }
        Sql.update(c, "insert into passkey_counters (tenant_id, credential_id, sign_count, backup_state)"
                + " values (?, ?, ?, ?)", tenant.value(), passkey.credentialId(), passkey.signCount(),
                passkey.backupState());
    }

    /** Whether this tenant already has a passkey with this credential id (one authenticator registered twice). */
    public boolean exists(Connection c, TenantId tenant, byte[] credentialId) throws SQLException {
        return !Sql.list(c, "select 1 from passkeys where tenant_id = ? and credential_id = ?",
                List.of(tenant.value(), credentialId), rs -> 1).isEmpty();
    }

    /** The passkey with this credential id in this tenant, its counter row locked for the sign-in that reads it. */
    public Optional<Passkey> findForSignIn(Connection c, TenantId tenant, byte[] credentialId) throws SQLException {
        return Sql.list(c, SELECT + " where p.tenant_id = ? and p.credential_id = ? for update of c",
                List.of(tenant.value(), credentialId), PasskeyRepository::read).stream().findFirst();
    }

    public List<Passkey> listForUser(Connection c, TenantId tenant, UUID userId) throws SQLException {
        return Sql.list(c, SELECT + " where p.tenant_id = ? and p.user_id = ? order by p.created_at, p.credential_id",
                List.of(tenant.value(), userId), PasskeyRepository::read);
    }

    /** Records a verified sign-in: the authenticator's new counter and backup state. */
    public void recordUse(Connection c, TenantId tenant, byte[] credentialId, long signCount, boolean backupState,
            Instant at) throws SQLException {
        Sql.update(c, "update passkey_counters set sign_count = ?, backup_state = ?, last_used_at = ?"
                + " where tenant_id = ? and credential_id = ?", signCount, backupState, Sql.timestamp(at),
                tenant.value(), credentialId);
    }

    public boolean rename(Connection c, TenantId tenant, UUID userId, byte[] credentialId, String name)
            throws SQLException {
        return Sql.update(c, "update passkeys set name = ? where tenant_id = ? and user_id = ? and credential_id = ?",
                name, tenant.value(), userId, credentialId) > 0;
    }

    public boolean delete(Connection c, TenantId tenant, UUID userId, byte[] credentialId) throws SQLException {
        return Sql.update(c, "delete from passkeys where tenant_id = ? and user_id = ? and credential_id = ?",
                tenant.value(), userId, credentialId) > 0;
    }

    private static Passkey read(ResultSet rs) throws SQLException {
        return new Passkey(rs.getBytes("credential_id"), Sql.uuid(rs, "user_id"), rs.getBytes("public_key_cose"),
                Sql.uuid(rs, "aaguid"), rs.getBoolean("backup_eligible"), rs.getBoolean("backup_state"),
                rs.getLong("sign_count"), Arrays.asList((String[]) rs.getArray("transports").getArray()),
                rs.getString("name"), Sql.instant(rs, "created_at"),
                Optional.ofNullable(Sql.instant(rs, "last_used_at")));
    }
}
