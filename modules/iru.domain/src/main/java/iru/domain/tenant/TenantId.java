package iru.domain.tenant;

import java.util.Objects;
import java.util.UUID;

/** A tenant's permanent identifier; the key of its row-level-security scope. */
public record TenantId(UUID value) {
    public TenantId {
        Objects.requireNonNull(value, "value");
    }

    public static TenantId random() {
        return new TenantId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
