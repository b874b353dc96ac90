package iru.domain.common;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/**
 * The primary key of every tenant-scoped aggregate row: (tenant_id, the row's own id). Entities name the second
 * column with `@AttributeOverride(name = "id", …)`.
 */
@Embeddable
public class TenantScopedId implements Serializable {
    @Column(name = "tenant_id")
    private UUID tenantId;

    private UUID id;

    protected TenantScopedId() {
        // for Hibernate
    }

    public TenantScopedId(UUID tenantId, UUID id) {
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.id = Objects.requireNonNull(id, "id");
    }

    public UUID tenantId() {
        return tenantId;
    }

    public UUID id() {
        return id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TenantScopedId k && tenantId.equals(k.tenantId) && id.equals(k.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantId, id);
    }
}
