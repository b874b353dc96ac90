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
 * Proves every tenant-scoped table (a base table with a `tenant_id` column) is isolated and checked against its
 * declared class: row-level security enabled, forced and with exactly the tenant policy; for a journaled table, a
 * journal `audit_T` with every column of T (same names and types), the audit columns, and possibly columns T has since
 * dropped; the trigger that writes it; and the triggers that keep the journal append-only. Unjournaled classes
 * (ephemeral, queue, mirror) must not be journaled; a mirror may keep a frozen, still append-only journal.
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
        m.put("audit_columns", "text[]");
        AUDIT_COLUMNS = Map.copyOf(m);
    }

    private static final Set<String> NOT_TENANT_TABLES = Set.of("audit_chain_head");

    /** The declared classes of tenant table (see migrations/region/V8). */
    static final String JOURNALED = "journaled";
    static final String EPHEMERAL = "ephemeral";
    static final String SECURITY_EVENT = "security-event";
    static final String QUEUE = "queue";
    /** What we know of state held outside (a downstream application's accounts): isolated, not row-journaled. */
    static final String MIRROR = "mirror";
    /** The one policy a queue has besides the tenant policy: for the table's owner, so its claim function sees all. */
    static final String QUEUE_CLAIM_POLICY = "queue_claim";

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
        Map<String, String> classes = tableClasses(c);
        for (String table : tables) {
            String declared = classes.get(table);
            checkIsolation(c, database, table, QUEUE.equals(declared), findings);
            if (declared == null) {
                findings.add(new AuditFinding(database, table, "is in no table class: declare it with"
                        + " audit_attach (journaled), tenant_ephemeral (ephemeral), tenant_queue (queue) or"
                        + " tenant_mirror (mirror) in its migration"));
                continue;
            }
            switch (declared) {
                case EPHEMERAL -> checkEphemeral(c, database, table, findings);
                case QUEUE -> checkUnjournaled(c, database, table, QUEUE, findings);
                case MIRROR -> checkMirror(c, database, table, findings);
                case SECURITY_EVENT -> {
                    checkJournal(c, database, table, findings);
                    checkInsertOnly(c, database, table, findings);
                }
                default -> checkJournal(c, database, table, findings);
            }
        }
        classes.keySet().stream().filter(table -> !tables.contains(table)).forEach(table -> findings.add(
                new AuditFinding(database, table, "is declared " + classes.get(table)
                        + " but is missing or has no tenant_id")));
        checkIsolation(c, database, "audit_chain_head", false, findings);
        for (String journal : journals(c)) {
            String table = journal.substring("audit_".length());
            if (!tables.contains(table)) {
                findings.add(new AuditFinding(database, journal, "journal of a table that is missing or has no tenant_id"));
            } else {
                checkIsolation(c, database, journal, false, findings);
            }
        }
        return findings;
    }

    /**
     * Row-level security enabled and forced, and exactly one policy: permissive, for every command and every role,
     * whose USING and WITH CHECK are both the tenant predicate. Checked by content, because a second permissive
     * policy such as `using (true)` would silently widen the first. A queue may have one more, `queue_claim`, for
     * the table's owner alone (who can switch row-level security off on its table anyway): its SECURITY DEFINER claim
     * function is the only code that sees across tenants.
     */
    private static void checkIsolation(Connection c, String database, String table, boolean queue,
            List<AuditFinding> findings) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select relrowsecurity, relforcerowsecurity from pg_class where oid = to_regclass(?)")) {
            s.setString(1, "public." + quote(table));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    findings.add(new AuditFinding(database, table, "row-level security is not enabled"));
                }
                if (!rs.getBoolean(2)) {
                    findings.add(new AuditFinding(database, table, "row-level security is not forced"));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                select p.polname, p.polpermissive, p.polcmd::text, p.polroles = array[0::oid],
                       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                       p.polroles = array[t.relowner]
                from pg_policy p join pg_class t on t.oid = p.polrelid
                where p.polrelid = to_regclass(?) order by p.polname""")) {
            s.setString(1, "public." + quote(table));
            int policies = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String policy = "policy " + rs.getString(1);
                    if (queue && QUEUE_CLAIM_POLICY.equals(rs.getString(1))) {
                        if (!rs.getBoolean(7)) {
                            findings.add(new AuditFinding(database, table, policy
                                    + " must apply to the table's owner alone"));
                        }
                        continue;
                    }
                    policies++;
                    if (!rs.getBoolean(2)) {
                        findings.add(new AuditFinding(database, table, policy + " is restrictive, expected permissive"));
                    }
                    if (!"*".equals(rs.getString(3)) || !rs.getBoolean(4)) {
                        findings.add(new AuditFinding(database, table, policy
                                + " must apply to every command and every role"));
                    }
                    if (!isTenantPredicate(rs.getString(5))) {
                        findings.add(new AuditFinding(database, table, policy + " USING is '" + rs.getString(5)
                                + "', expected " + TENANT_PREDICATE));
                    }
                    if (!isTenantPredicate(rs.getString(6))) {
                        findings.add(new AuditFinding(database, table, policy + " WITH CHECK is '"
                                + rs.getString(6) + "', expected " + TENANT_PREDICATE));
                    }
                }
            }
            if (policies == 0) {
                findings.add(new AuditFinding(database, table, "has no row-level security policy"));
            } else if (policies > 1) {
                findings.add(new AuditFinding(database, table, "has " + policies
                        + " row-level security policies, expected exactly one (permissive policies widen each other)"));
            }
        }
    }

    static final String TENANT_PREDICATE = "(tenant_id = current_tenant_id())";

    /** Each tenant table's declared class; empty on a database migrated before classes existed. */
    static Map<String, String> tableClasses(Connection c) throws SQLException {
        Map<String, String> classes = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("select table_name, class from public.tenant_table_classes order by 1");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                classes.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // undefined_table: reported as "in no class" per table
                throw e;
            }
        }
        return classes;
    }

    /** Short-lived state: no journal (that is the point), and an expiry so it can be swept. */
    private static void checkEphemeral(Connection c, String database, String table, List<AuditFinding> findings)
            throws SQLException {
        checkUnjournaled(c, database, table, EPHEMERAL, findings);
        if (!"timestamp with time zone".equals(columns(c, table).get("expires_at")) || nullable(c, table, "expires_at")) {
            findings.add(new AuditFinding(database, table,
                    "is declared ephemeral but has no `expires_at timestamptz not null` column"));
        }
    }

    private static void checkUnjournaled(Connection c, String database, String table, String declared,
            List<AuditFinding> findings) throws SQLException {
        if (!columns(c, "audit_" + table).isEmpty()) {
            findings.add(new AuditFinding(database, table, "is declared " + declared + " but has a journal audit_"
                    + table));
        }
    }

    /**
     * A mirror writes no journal: a journaling trigger on it would put its writes back behind the tenant's chain lock
     * under a class that says otherwise. A journal it had before it became a mirror stays, frozen: its entries are
     * links of the tenants' chains, so it must still refuse updates, deletes and truncation.
     */
    private static void checkMirror(Connection c, String database, String table, List<AuditFinding> findings)
            throws SQLException {
        if (hasTrigger(c, table, table + "_audit")) {
            findings.add(new AuditFinding(database, table, "is declared mirror but trigger " + table
                    + "_audit still journals it"));
        }
        String journal = "audit_" + table;
        if (!columns(c, journal).isEmpty()) {
            requireTrigger(c, database, journal, journal + "_append_only", findings);
            requireTrigger(c, database, journal, journal + "_no_truncate", findings);
        }
    }

    private static boolean hasTrigger(Connection c, String table, String trigger) throws SQLException {
        return exists(c, "select 1 from pg_trigger where tgrelid = to_regclass(?) and tgname = ?", table, trigger);
    }

    /** Whether `sql`, given the public table `table` and a name within it, finds a row. */
    private static boolean exists(Connection c, String sql, String table, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, "public." + quote(table));
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A security event, once written, is a fact: nobody but the owner may change or remove it. */
    private static void checkInsertOnly(Connection c, String database, String table, List<AuditFinding> findings)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                select g.grantee, g.privilege_type from information_schema.role_table_grants g
                join pg_class t on t.oid = to_regclass(?)
                where g.table_schema = 'public' and g.table_name = ?
                  and g.privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE')
                  and g.grantee <> pg_get_userbyid(t.relowner) order by 1, 2""")) {
            s.setString(1, "public." + quote(table));
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    findings.add(new AuditFinding(database, table, "is a security-event log but " + rs.getString(1)
                            + " may " + rs.getString(2) + " it"));
                }
            }
        }
    }

    /** PostgreSQL deparses the expression itself, so only schema qualification and spacing can differ. */
    static boolean isTenantPredicate(String expression) {
        if (expression == null) {
            return false;
        }
        String normalized = expression.replace("public.", "").replaceAll("\\s+", " ").strip();
        return normalized.equals(TENANT_PREDICATE);
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
        // A journal may keep a column its table has dropped: the entries written with it must still verify. Such a
        // column must accept the nulls that later entries carry.
        for (String retired : retiredColumns(c, table)) {
            if (!nullable(c, journal, retired)) {
                findings.add(new AuditFinding(database, journal + "." + retired, "column that " + table
                        + " no longer has must be nullable in the journal"));
            }
        }
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

    /** Journal columns that are neither audit columns nor columns of the live table. */
    static List<String> retiredColumns(Connection c, String table) throws SQLException {
        Map<String, String> live = columns(c, table);
        return columns(c, "audit_" + table).keySet().stream()
                .filter(column -> !live.containsKey(column) && !AUDIT_COLUMNS.containsKey(column)).toList();
    }

    private static boolean nullable(Connection c, String table, String column) throws SQLException {
        return exists(c, "select 1 from pg_attribute where attrelid = to_regclass(?) and attname = ?"
                + " and not attnotnull", table, column);
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
