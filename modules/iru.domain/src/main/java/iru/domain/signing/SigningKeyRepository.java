package iru.domain.signing;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import iru.foundation.crypto.SealedSecret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Signing keys of one tenant, in the routed transaction (row-level security scopes every statement). */
public final class SigningKeyRepository {
    private static final String COLUMNS = "kid, alg, status, public_jwk::text as public_jwk, created_at, activated_at,"
            + " retiring_since, retire_after";

    public void insert(Connection c, TenantId tenant, SigningKey key, SealedSecret privateKey) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into signing_keys (tenant_id, kid, alg, status,"
                + " public_jwk, kek_id, data_key_nonce, data_key_wrapped, private_key_nonce, private_key_sealed,"
                + " created_at, activated_at) values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, tenant.value());
            s.setString(2, key.kid());
            s.setString(3, key.alg());
            s.setString(4, key.status().name());
            s.setString(5, key.publicJwk());
            s.setString(6, privateKey.kekId());
            s.setBytes(7, privateKey.keyNonce());
            s.setBytes(8, privateKey.wrappedKey());
            s.setBytes(9, privateKey.nonce());
            s.setBytes(10, privateKey.ciphertext());
            s.setTimestamp(11, Sql.timestamp(key.createdAt()));
            s.setTimestamp(12, key.activatedAt() == null ? null : Sql.timestamp(key.activatedAt()));
            s.executeUpdate();
        }
    }

    /** Every key of the tenant, oldest first. */
    public List<SigningKey> list(Connection c, TenantId tenant) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from signing_keys where tenant_id = ? order by created_at, kid",
                List.of(tenant.value()), SigningKeyRepository::read);
    }

    /**
     * Every key of the tenant, locked until the transaction ends, so two changes of one tenant's keys (two
     * activations, an activation and a creation) take turns instead of both demoting the same active key.
     */
    public List<SigningKey> lockAll(Connection c, TenantId tenant) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from signing_keys where tenant_id = ? order by created_at, kid"
                + " for update", List.of(tenant.value()), SigningKeyRepository::read);
    }

    /** The tenant's active key, if it has one. */
    public Optional<SigningKey> active(Connection c, TenantId tenant) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from signing_keys where tenant_id = ? and status = 'active'",
                List.of(tenant.value()), SigningKeyRepository::read).stream().findFirst();
    }

    /** The sealed private key of `kid`, if the tenant has that key. */
    public Optional<SealedSecret> sealedPrivateKey(Connection c, TenantId tenant, String kid) throws SQLException {
        return Sql.list(c, "select kek_id, data_key_nonce, data_key_wrapped, private_key_nonce, private_key_sealed"
                + " from signing_keys where tenant_id = ? and kid = ?", List.of(tenant.value(), kid),
                rs -> new SealedSecret(rs.getString("kek_id"), rs.getBytes("data_key_nonce"),
                        rs.getBytes("data_key_wrapped"), rs.getBytes("private_key_nonce"),
                        rs.getBytes("private_key_sealed"))).stream().findFirst();
    }

    /** The kids of the tenant's keys whose data key is wrapped by a key-encryption key other than `kekId`. */
    public List<String> kidsNotWrappedBy(Connection c, TenantId tenant, String kekId) throws SQLException {
        return Sql.list(c, "select kid from signing_keys where tenant_id = ? and kek_id <> ? order by created_at, kid",
                List.of(tenant.value(), kekId), rs -> rs.getString("kid"));
    }

    /**
     * Stores `rewrapped` (the same private key ciphertext, its data key wrapped anew) if the key is still wrapped by
     * `fromKekId`; false if another sweeper got there first.
     */
    public boolean replaceWrapping(Connection c, TenantId tenant, String kid, String fromKekId,
            SealedSecret rewrapped) throws SQLException {
        return Sql.update(c, "update signing_keys set kek_id = ?, data_key_nonce = ?, data_key_wrapped = ?"
                + " where tenant_id = ? and kid = ? and kek_id = ? and private_key_nonce = ? and private_key_sealed = ?",
                rewrapped.kekId(), rewrapped.keyNonce(), rewrapped.wrappedKey(), tenant.value(), kid, fromKekId,
                rewrapped.nonce(), rewrapped.ciphertext()) == 1;
    }

    public void makeActive(Connection c, TenantId tenant, String kid, Instant at) throws SQLException {
        Sql.update(c, "update signing_keys set status = 'active', activated_at = ?, retiring_since = null,"
                + " retire_after = null where tenant_id = ? and kid = ?", Sql.timestamp(at), tenant.value(), kid);
    }

    public void makeRetiring(Connection c, TenantId tenant, String kid, Instant since, Instant retireAfter)
            throws SQLException {
        Sql.update(c, "update signing_keys set status = 'retiring', retiring_since = ?, retire_after = ?"
                + " where tenant_id = ? and kid = ?", Sql.timestamp(since), Sql.timestamp(retireAfter),
                tenant.value(), kid);
    }

    /** Writes down what reading already says: retiring keys whose grace has passed are retired. */
    public int retireExpired(Connection c, TenantId tenant, Instant now) throws SQLException {
        return Sql.update(c, "update signing_keys set status = 'retired' where tenant_id = ? and status = 'retiring'"
                + " and retire_after <= ?", tenant.value(), Sql.timestamp(now));
    }

    private static SigningKey read(ResultSet rs) throws SQLException {
        return new SigningKey(rs.getString("kid"), rs.getString("alg"),
                SigningKeyStatus.valueOf(rs.getString("status")), rs.getString("public_jwk"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "activated_at"), Sql.instant(rs, "retiring_since"),
                Sql.instant(rs, "retire_after"));
    }
}
