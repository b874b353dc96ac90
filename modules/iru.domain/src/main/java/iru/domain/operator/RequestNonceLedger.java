package iru.domain.operator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The nonces of signed operator requests already accepted, in the directory database that every control plane
 * instance shares. Every method runs inside a directory transaction.
 */
public final class RequestNonceLedger {
    /** Bounds the clean-up one request does, so a backlog of expired rows never slows one request much. */
    private static final int FORGET_BATCH = 100;

    /**
     * Records `nonce` for `keyId` until `expiresAt`. False when it is already recorded and has not expired: the
     * request that carries it is a replay. An expired row left behind is taken over, so clean-up may lag.
     */
    public boolean record(Connection c, String keyId, String nonce, Instant expiresAt, Instant now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into operator_request_nonces (key_id, nonce, expires_at)"
                + " values (?, ?, ?) on conflict (key_id, nonce) do update set expires_at = excluded.expires_at"
                + " where operator_request_nonces.expires_at <= ?")) {
            s.setString(1, keyId);
            s.setString(2, nonce);
            s.setTimestamp(3, Timestamp.from(expiresAt));
            s.setTimestamp(4, Timestamp.from(now));
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Deletes a batch of expired rows. Rows another instance is deleting at the same time are skipped, not waited
     * for.
     */
    public int forgetExpired(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from operator_request_nonces where ctid = any(array("
                + "select ctid from operator_request_nonces where expires_at <= ? limit ? for update skip locked))")) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setInt(2, FORGET_BATCH);
            return s.executeUpdate();
        }
    }
}
