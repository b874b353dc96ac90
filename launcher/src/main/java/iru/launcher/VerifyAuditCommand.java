package iru.launcher;

import iru.domain.tenant.TenantDirectory;
import iru.domain.tenant.TenantId;
import iru.foundation.audit.AuditFinding;
import iru.foundation.audit.AuditReport;
import iru.foundation.audit.AuditVerifier;
import iru.foundation.config.IruConfig;
import iru.foundation.config.Region;
import iru.foundation.migration.MigrationTarget;
import iru.foundation.migration.SchemaMigrator;
import iru.interfaces.http.Json;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "verify-audit", mixinStandardHelpOptions = true,
        description = {
            "Proves isolation and audit hold, as the schema owner (IRU_DB_USER):",
            "  - every database is reachable and migrated with unchanged migrations;",
            "  - every tenant-scoped table has forced row-level security, its journal audit_<table> with exactly the",
            "    table's columns (names and types) plus the audit columns, and the triggers that write and guard it;",
            "  - every tenant's hash chain verifies (no entry altered, removed or out of order).",
            "Exits 0 only if all of that holds; names the table, column or entry that fails."})
final class VerifyAuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    IruCommand parent;

    @Option(names = "--region", paramLabel = "us|eu", description = "Check only this region's database.")
    String region;

    @Option(names = "--tenant", paramLabel = "UUID", description = "Verify only this tenant's chain.")
    UUID tenant;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        IruConfig config = parent.config();
        PrintWriter out = spec.commandLine().getOut();
        Optional<Region> only = Optional.ofNullable(region).map(code -> Region.fromCode(code)
                .filter(config.servedRegions()::contains)
                .orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--region must be one of the served regions " + config.servedRegions())));
        SchemaMigrator migrator = new SchemaMigrator(config.database(), config.servedRegions(), line -> { });
        AuditReport report = AuditReport.empty();
        try {
            migrator.verifyAllApplied(config.database().owner());
            report = report.plus(new AuditReport(List.of("all databases reachable and migrated"), List.of(), 0, 0));
        } catch (RuntimeException e) { // drift, or a database Flyway cannot reach
            report = report.plus(new AuditReport(List.of(), List.of(new AuditFinding("databases", "migrations",
                    e.getMessage().replace('\n', ' '))), 0, 0));
        }
        if (report.passed()) {
            List<MigrationTarget> targets = migrator.targets();
            for (MigrationTarget target : targets) {
                if (target.region().isEmpty() || only.filter(r -> !r.equals(target.region().get())).isPresent()) {
                    continue;
                }
                if (!json) {
                    spec.commandLine().getErr().println("verify-audit: checking the " + target.name() + " ...");
                    spec.commandLine().getErr().flush();
                }
                AuditVerifier verifier = new AuditVerifier(migrator.ownerDataSource(target), target.name().toString());
                List<UUID> tenants = tenantsOf(migrator, targets.getFirst(), target.region().get(), verifier);
                report = report.plus(verifier.verify(tenants));
            }
        }
        print(out, report);
        return report.passed() ? 0 : 1;
    }

    /** The tenants pinned to the region in the directory, plus any that only the regional chain heads know. */
    private List<UUID> tenantsOf(SchemaMigrator migrator, MigrationTarget directoryTarget, Region region,
            AuditVerifier verifier) throws Exception {
        if (tenant != null) {
            return List.of(tenant);
        }
        Set<UUID> tenants = new LinkedHashSet<>();
        try (Connection c = migrator.ownerDataSource(directoryTarget).getConnection()) {
            new TenantDirectory().allInRegion(c, region).stream().map(TenantId::value).forEach(tenants::add);
        }
        tenants.addAll(verifier.tenantsWithChains(Optional.empty()));
        return List.copyOf(tenants);
    }

    private void print(PrintWriter out, AuditReport report) throws Exception {
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("passed", report.passed());
            body.put("tables", report.tables());
            body.put("entries", report.entries());
            body.put("checked", report.checked());
            body.put("findings", report.findings().stream().map(f -> Map.of(
                    "database", f.database(), "subject", f.subject(), "problem", f.problem())).toList());
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } else {
            report.checked().forEach(line -> out.println("verify-audit: checked " + line));
            report.findings().forEach(f -> out.println("verify-audit: FAIL " + f));
            out.println(report.passed()
                    ? "verify-audit: OK (" + report.tables() + " table(s), " + report.entries() + " journal entries)"
                    : "verify-audit: FAILED with " + report.findings().size() + " finding(s)");
        }
        out.flush();
    }
}
