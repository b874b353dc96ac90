package iru.foundation.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The standing checker behind `iru verify-audit` (and the schema part of `iru migrate`) for one regional database.
 * It reads each tenant's journals under that tenant's row-level-security scope, so it needs no BYPASSRLS.
 */
public final class AuditVerifier {
    private final DataSource database;
    private final String name;

    public AuditVerifier(DataSource database, String name) {
        this.database = database;
        this.name = name;
    }

    /** Every tenant-scoped table has its journal, triggers and isolation, and each journal matches its table. */
    public AuditReport verifySchema() {
        try (Connection c = database.getConnection()) {
            List<String> tables = JournalSchemaCheck.tenantTables(c);
            List<AuditFinding> findings = JournalSchemaCheck.check(c, name);
            Map<String, List<String>> byClass = new TreeMap<>();
            JournalSchemaCheck.tableClasses(c).forEach((table, declared) ->
                    byClass.computeIfAbsent(declared, k -> new ArrayList<>()).add(table));
            return new AuditReport(List.of(name + ": schema of " + tables.size() + " tenant table(s) " + byClass),
                    findings, tables.size(), 0);
        } catch (SQLException e) {
            return unreachable(e);
        }
    }

    /**
     * The schema check plus, for every listed tenant, its chain and the reconciliation of its live rows with their
     * latest journal entries.
     */
    public AuditReport verify(List<UUID> tenants) {
        AuditReport schema = verifySchema();
        List<AuditFinding> findings = new ArrayList<>();
        long entries = 0;
        try (Connection c = database.getConnection()) {
            List<String> tables = JournalSchemaCheck.tenantTables(c);
            // A mirror's frozen journal still holds links of the chains, but its live rows have moved on without it.
            Map<String, String> classes = JournalSchemaCheck.tableClasses(c);
            List<String> journaledRows = tables.stream()
                    .filter(table -> !JournalSchemaCheck.MIRROR.equals(classes.get(table))).toList();
            c.setAutoCommit(false);
            for (UUID tenant : tenants) {
                try (PreparedStatement s = c.prepareStatement("select set_config('iru.tenant_id', ?, true)")) {
                    s.setString(1, tenant.toString());
                    s.execute();
                }
                entries += JournalChainCheck.check(c, name, tables, tenant, findings);
                RowJournalReconciliation.check(c, name, journaledRows, tenant, findings);
                c.commit();
            }
            c.setAutoCommit(true);
        } catch (SQLException e) {
            return schema.plus(unreachable(e));
        }
        return schema.plus(new AuditReport(List.of(name + ": " + tenants.size() + " tenant chain(s), "
                + entries + " entr(ies)"), findings, 0, entries));
    }

    /**
     * Tenants with journal entries or a tenant record in this database, as far as a superuser or BYPASSRLS role can
     * see: a tenant whose rows were all written around the trigger has a record but no chain.
     */
    public List<UUID> tenantsWithChains(Optional<UUID> only) {
        if (only.isPresent()) {
            return List.of(only.get());
        }
        List<UUID> tenants = new ArrayList<>();
        try (Connection c = database.getConnection();
             PreparedStatement s = c.prepareStatement("select tenant_id from audit_chain_head union select tenant_id from tenants order by 1");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                tenants.add(rs.getObject(1, UUID.class));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": cannot list tenants: " + e.getMessage(), e);
        }
        return tenants;
    }

    private AuditReport unreachable(SQLException e) {
        return new AuditReport(List.of(), List.of(new AuditFinding(name, "database", "cannot be read: "
                + e.getMessage())), 0, 0);
    }
}
