package iru.domain.provisioning;

import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Who reconciles an application in the current interval (`app_reconciliation_leases`, V17): every tenant plane and
 * every `iru workers` process runs the periodic pass, and each application should be reconciled once per interval,
 * not once per instance. Times are the database's, so instances' clocks need not agree.
 */
public final class ReconciliationLeases {
    /**
     * Takes the application's lease for `interval` unless another holder (or this one) took it less than `interval`
     * ago. Concurrent takers queue on the row; the later one sees the row the first committed and gets false.
     */
    public boolean take(Connection c, TenantId tenant, UUID appId, String holder, Duration interval)
            throws SQLException {
        return !Sql.list(c, "insert into app_reconciliation_leases (tenant_id, app_id, holder, taken_at, expires_at)"
                + " values (?, ?, ?, now(), now() + make_interval(secs => ?))"
                + " on conflict (tenant_id, app_id) do update set holder = excluded.holder,"
                + " taken_at = excluded.taken_at, expires_at = excluded.expires_at"
                + " where app_reconciliation_leases.expires_at <= now() returning 1",
                List.of(tenant.value(), appId, holder, interval.toMillis() / 1000.0), rs -> 1).isEmpty();
    }
}
