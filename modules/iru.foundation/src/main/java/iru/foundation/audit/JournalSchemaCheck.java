package iru.foundation.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proves every tenant-scoped table (a base table with a `tenant_id` column) is isolated and journaled: row-level
 * security enabled, forced and with a policy; a journal `audit_T` that has every column of T (same names and types)
 * plus the audit columns; the trigger that writes it; and the triggers that keep the journal append-only. A journal may
 * keep columns T has since dropped: its history was written with them and must stay verifiable.
 */
final class JournalSchemaCheck {
    static final Map<String, String> AUDIT_COLUMNS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("audit_seq", "bigint");
        m.put("audit_op", "text");
        m.put("audit_at", "timestamp with time zone");
        m.put("audit_actor", "text");
        m.put("audit_txid", "bigint");
        m.put("audit_prev_hash", "bytea");
        m.put("audit_hash", "bytea");
        AUDIT_COLUMNS = Map.copyOf(m);
    }

    private static final Set<String> NOT_TENANT_TABLES = Set.of("audit_chain_head");

    private JournalSchemaCheck() {
    }

    /** The tenant-scoped tables of this database, journals excluded. */
    static List<String> tenantTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select c.table_name from information_schema.columns c
                join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
                where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
                  and c.table_name not like 'audit\\_%'
                order by c.table_name""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                if (!NOT_TENANT_TABLES.contains(rs.getString(1))) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    static List<AuditFinding> check(Connection c, String database) throws SQLException {
        List<AuditFinding> findings = new ArrayList<>();
        List<String> tables = tenantTables(c);
        for (String table : tables) {
            checkIsolation(c, database, table, findings);
            checkJournal(c, database, table, findings);
        }
        for (String journal : journals(c)) {
            String table = journal.substring("audit_".length());
            if (!tables.contains(table)) {
                findings.add(new AuditFinding(database, journal, "journal of a table that is missing or has no tenant_id"));
            }
        }
        return findings;
    }

    private static void checkIsolation(Connection c, String database, String table, List<AuditFinding> findings)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                select relrowsecurity, relforcerowsecurity,
                       (select count(*) from pg_policies p where p.schemaname = 'public' and p.tablename = ?)
                from pg_class where oid = to_regclass(?)""")) {
            s.setString(1, table);
            s.setString(2, "public." + quote(table));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    findings.add(new AuditFinding(database, table, "row-level security is not enabled"));
                }
                if (!rs.getBoolean(2)) {
                    findings.add(new AuditFinding(database, table, "row-level security is not forced"));
                }
                if (rs.getLong(3) == 0) {
                    findings.add(new AuditFinding(database, table, "has no row-level security policy"));
                }
            }
        }
    }

    private static void checkJournal(Connection c, String database, String table, List<AuditFinding> findings)
            throws SQLException {
        String journal = "audit_" + table;
        Map<String, String> live = columns(c, table);
        Map<String, String> journaled = columns(c, journal);
        if (journaled.isEmpty()) {
            findings.add(new AuditFinding(database, table, "has no audit journal " + journal));
            return;
        }
        live.forEach((column, type) -> {
            String journalType = journaled.get(column);
            if (journalType == null) {
                findings.add(new AuditFinding(database, table + "." + column,
                        "column is missing from journal " + journal));
            } else if (!journalType.equals(type)) {
                findings.add(new AuditFinding(database, table + "." + column, "column is " + type + " but "
                        + journal + "." + column + " is " + journalType));
            }
        });
        AUDIT_COLUMNS.forEach((column, type) -> {
            if (!type.equals(journaled.get(column))) {
                findings.add(new AuditFinding(database, journal + "." + column,
                        "audit column missing or not " + type));
            }
        });
        requireTrigger(c, database, table, table + "_audit", findings);
        requireTrigger(c, database, journal, journal + "_append_only", findings);
        requireTrigger(c, database, journal, journal + "_no_truncate", findings);
    }

    private static void requireTrigger(Connection c, String database, String table, String trigger,
            List<AuditFinding> findings) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select tgenabled from pg_trigger where tgrelid = to_regclass(?) and tgname = ?")) {
            s.setString(1, "public." + quote(table));
            s.setString(2, trigger);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    findings.add(new AuditFinding(database, table, "trigger " + trigger + " is missing"));
                } else if ("D".equals(rs.getString(1))) {
                    findings.add(new AuditFinding(database, table, "trigger " + trigger + " is disabled"));
                }
            }
        }
    }

    static Map<String, String> columns(Connection c, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                select attname, format_type(atttypid, atttypmod) from pg_attribute
                where attrelid = to_regclass(?) and attnum > 0 and not attisdropped order by attnum""")) {
            s.setString(1, "public." + quote(table));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }

    private static List<String> journals(Connection c) throws SQLException {
        List<String> journals = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select table_name from information_schema.tables
                where table_schema = 'public' and table_type = 'BASE TABLE' and table_name like 'audit\\_%'
                  and table_name <> 'audit_chain_head' order by 1""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                journals.add(rs.getString(1));
            }
        }
        return journals;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
