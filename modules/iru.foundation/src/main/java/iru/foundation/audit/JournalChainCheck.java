package iru.foundation.audit;

import iru.foundation.crypto.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Recomputes one tenant's hash chain across all of its journals, outside the database: sequence numbers run 1..n
 * without gaps, each entry names the previous entry's hash, each hash is SHA-256 over the previous hash and the
 * entry's canonical encoding, and the chain head agrees with the last entry (so a deleted tail is caught too).
 */
final class JournalChainCheck {
    /**
     * An entry's data as it was hashed when written: only the columns listed in its own `audit_columns`, so columns
     * added to the table later (and present, as null or a default, in older journal rows) do not change it.
     */
    private static final String WRITTEN_DATA = "(select jsonb_object_agg(e.key, e.value) from jsonb_each(to_jsonb(j)) e"
            + " where e.key = any(j.audit_columns))::text";

    private record Entry(String table, long seq, String op, long atMicros, String actor, long txid, byte[] prevHash,
            byte[] hash, String data) {
        byte[] expectedHash() {
            String encoding = table + "|" + op + "|" + seq + "|" + atMicros + "|" + actor + "|" + txid + "|" + data;
            return Digests.sha256(prevHash, encoding.getBytes(StandardCharsets.UTF_8));
        }
    }

    private JournalChainCheck() {
    }

    /** Must run in a transaction whose `iru.tenant_id` is `tenant`, so row-level security shows its rows only. */
    static long check(Connection c, String database, List<String> tables, UUID tenant, List<AuditFinding> findings)
            throws SQLException {
        List<Entry> entries = new ArrayList<>();
        for (String table : tables) {
            if (JournalSchemaCheck.columns(c, "audit_" + table).isEmpty()) {
                continue; // reported by the schema check
            }
            try (PreparedStatement s = c.prepareStatement("select audit_seq, audit_op,"
                    + " (extract(epoch from audit_at) * 1000000)::bigint, audit_actor, audit_txid, audit_prev_hash,"
                    + " audit_hash, " + WRITTEN_DATA + " from "
                    + JournalSchemaCheck.quote("audit_" + table) + " j where tenant_id = ?")) {
                s.setObject(1, tenant);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new Entry(table, rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                                rs.getLong(5), rs.getBytes(6), rs.getBytes(7), rs.getString(8)));
                    }
                }
            }
        }
        entries.sort(Comparator.comparingLong(Entry::seq));
        byte[] previous = new byte[0];
        long expectedSeq = 1;
        for (Entry entry : entries) {
            String subject = "audit_" + entry.table() + " tenant=" + tenant + " seq=" + entry.seq();
            if (entry.seq() != expectedSeq) {
                findings.add(new AuditFinding(database, subject, "expected entry seq=" + expectedSeq
                        + " here: entries " + expectedSeq + ".." + (entry.seq() - 1) + " are missing"));
            }
            if (!MessageDigest.isEqual(entry.prevHash(), previous)) {
                findings.add(new AuditFinding(database, subject,
                        "previous-hash link is broken (the entry before it was removed or altered)"));
            }
            if (!MessageDigest.isEqual(entry.expectedHash(), entry.hash())) {
                findings.add(new AuditFinding(database, subject,
                        "hash does not match the entry's contents (the entry was altered)"));
            }
            previous = entry.hash();
            expectedSeq = entry.seq() + 1;
        }
        checkHead(c, database, tenant, entries, findings);
        return entries.size();
    }

    private static void checkHead(Connection c, String database, UUID tenant, List<Entry> entries,
            List<AuditFinding> findings) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select last_seq, last_hash from audit_chain_head where tenant_id = ?")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                long headSeq = rs.next() ? rs.getLong(1) : 0;
                byte[] headHash = headSeq == 0 ? new byte[0] : rs.getBytes(2);
                long lastSeq = entries.isEmpty() ? 0 : entries.getLast().seq();
                byte[] lastHash = entries.isEmpty() ? new byte[0] : entries.getLast().hash();
                if (headSeq != lastSeq || !MessageDigest.isEqual(headHash, lastHash)) {
                    findings.add(new AuditFinding(database, "audit chain tenant=" + tenant,
                            "chain head is at seq=" + headSeq + " (" + HexFormat.of().formatHex(headHash)
                                    + ") but the journals end at seq=" + lastSeq + ": entries were removed"));
                }
            }
        }
    }
}
