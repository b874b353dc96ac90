package iru.domain.tenant;

import iru.foundation.config.Region;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;

/**
 * The tenant record in a regional database. Every method runs inside a transaction the router opened for that tenant,
 * so row-level security limits each statement to the tenant's own row.
 */
public final class TenantRecords {

    /** Inserts the record unless it is already there (a retried creation), and returns what is stored. */
    public Tenant insertIfAbsent(Connection c, Tenant tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into tenants (tenant_id, slug, name, region, status, created_at) values (?, ?, ?, ?, ?, ?)
                on conflict (tenant_id) do nothing""")) {
            s.setObject(1, tenant.id().value());
            s.setString(2, tenant.slug().value());
            s.setString(3, tenant.name());
            s.setString(4, tenant.region().code());
            s.setString(5, tenant.status().name());
            s.setTimestamp(6, Timestamp.from(tenant.createdAt()));
            s.executeUpdate();
        }
        return find(c, tenant.id()).orElseThrow(() -> new IllegalStateException("tenant record vanished"));
    }

    public Optional<Tenant> find(Connection c, TenantId id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select tenant_id, slug, name, region, status, created_at from tenants where tenant_id = ?")) {
            s.setObject(1, id.value());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Tenant(new TenantId(rs.getObject(1, UUID.class)), new TenantSlug(rs.getString(2)),
                        rs.getString(3), Region.fromCode(rs.getString(4)).orElseThrow(), TenantStatus.valueOf(rs.getString(5)),
                        rs.getTimestamp(6).toInstant()));
            }
        }
    }

    /** Deletes the record and, by cascade, every tenant-scoped row; the journals record each deletion. */
    public boolean delete(Connection c, TenantId id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from tenants where tenant_id = ?")) {
            s.setObject(1, id.value());
            return s.executeUpdate() > 0;
        }
    }
}
