package iru.foundation.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Proves the live rows and the journals tell the same story for one tenant: every live row equals the latest journal
 * entry for its primary key, and every key whose latest entry is not a DELETE still exists. A write that skipped the
 * audit trigger (triggers disabled by a superuser, a diverted journal write, a restored backup) leaves a row with no
 * entry, a row that differs from its entry, or an entry for a row that is gone, and is named with table, tenant and
 * key. Primary keys never change in this schema; an update of one shows up here as a gone row.
 */
final class RowJournalReconciliation {
    private RowJournalReconciliation() {
    }

    /** Must run in a transaction whose `iru.tenant_id` is `tenant`, so row-level security shows its rows only. */
    static void check(Connection c, String database, List<String> tables, UUID tenant, List<AuditFinding> findings)
            throws SQLException {
        for (String table : tables) {
            String journal = "audit_" + table;
            if (JournalSchemaCheck.columns(c, journal).isEmpty()) {
                continue; // reported by the schema check
            }
            List<String> key = primaryKey(c, table);
            if (key.isEmpty()) {
                findings.add(new AuditFinding(database, table, "has no primary key: rows cannot be matched to entries"));
                continue;
            }
            reconcile(c, database, table, journal, key, tenant, findings);
        }
    }

    private static void reconcile(Connection c, String database, String table, String journal, List<String> key,
            UUID tenant, List<AuditFinding> findings) throws SQLException {
        List<String> notLive = new ArrayList<>(JournalSchemaCheck.AUDIT_COLUMNS.keySet());
        notLive.addAll(JournalSchemaCheck.retiredColumns(c, table));
        String keyList = key.stream().map(k -> "j." + JournalSchemaCheck.quote(k)).collect(Collectors.joining(", "));
        String join = key.stream().map(k -> "t." + JournalSchemaCheck.quote(k) + " = l." + JournalSchemaCheck.quote(k))
                .collect(Collectors.joining(" and "));
        String keyText = key.stream().map(k -> "coalesce(t." + JournalSchemaCheck.quote(k) + ", l."
                + JournalSchemaCheck.quote(k) + ")::text").collect(Collectors.joining(", "));
        String sql = "with latest as (select distinct on (" + keyList + ") j.* from public."
                + JournalSchemaCheck.quote(journal) + " j where j.tenant_id = ? order by " + keyList
                + ", j.audit_seq desc),"
                + " live as (select * from public." + JournalSchemaCheck.quote(table) + " where tenant_id = ?)"
                + " select l.audit_seq, l.audit_op, t.tenant_id is not null, l.tenant_id is not null, " + keyText
                + " from live t full join latest l on " + join
                + " where t.tenant_id is null and l.audit_op <> 'DELETE' or l.tenant_id is null"
                + " or l.audit_op = 'DELETE' and t.tenant_id is not null"
                + " or t.tenant_id is not null and l.tenant_id is not null and l.audit_op <> 'DELETE'"
                + " and to_jsonb(t) <> (to_jsonb(l) - ?::text[])"
                + " order by 5";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            var excluded = c.createArrayOf("text", notLive.toArray());
            s.setObject(1, tenant);
            s.setObject(2, tenant);
            s.setArray(3, excluded);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    StringJoiner subject = new StringJoiner(" ", table + " tenant=" + tenant + " ", "");
                    for (int i = 0; i < key.size(); i++) {
                        if (!key.get(i).equals("tenant_id")) {
                            subject.add(key.get(i) + "=" + rs.getString(5 + i));
                        }
                    }
                    findings.add(new AuditFinding(database, subject.toString().strip(), problem(rs)));
                }
            }
        }
    }

    private static String problem(ResultSet rs) throws SQLException {
        boolean live = rs.getBoolean(3);
        boolean journaled = rs.getBoolean(4);
        String entry = journaled ? "its latest journal entry (seq=" + rs.getLong(1) + ", " + rs.getString(2) + ")" : "";
        if (!journaled) {
            return "row has no journal entry: it was written by a path that skipped the audit trigger";
        }
        if (!live) {
            return "row is gone but " + entry + " says it exists: it was deleted by a path that skipped the audit"
                    + " trigger";
        }
        if ("DELETE".equals(rs.getString(2))) {
            return "row exists but " + entry + " deleted it: it was restored by a path that skipped the audit trigger";
        }
        return "row differs from " + entry + ": it was changed by a path that skipped the audit trigger";
    }

    private static List<String> primaryKey(Connection c, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select a.attname from pg_index i
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                where i.indrelid = to_regclass(?) and i.indisprimary
                order by array_position(i.indkey::int2[], a.attnum)""")) {
            s.setString(1, "public." + JournalSchemaCheck.quote(table));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return key;
    }
}
