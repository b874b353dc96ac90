package iru.foundation.audit;

import java.util.ArrayList;
import java.util.List;

/** What `verify-audit` checked and what it found. It passes only if there are no findings. */
public record AuditReport(List<String> checked, List<AuditFinding> findings, int tables, long entries) {
    public AuditReport {
        checked = List.copyOf(checked);
        findings = List.copyOf(findings);
    }

    public boolean passed() {
        return findings.isEmpty();
    }

    public AuditReport plus(AuditReport other) {
        List<String> c = new ArrayList<>(checked);
        c.addAll(other.checked);
        List<AuditFinding> f = new ArrayList<>(findings);
        f.addAll(other.findings);
        return new AuditReport(c, f, tables + other.tables, entries + other.entries);
    }

    public static AuditReport empty() {
        return new AuditReport(List.of(), List.of(), 0, 0);
    }
}
