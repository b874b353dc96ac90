package iru.application.tenant;

import iru.domain.tenant.TenantSlug;
import iru.foundation.config.Region;
import iru.foundation.crypto.Digests;
import java.util.Objects;

/** A validated request to create a tenant. */
public record CreateTenant(TenantSlug slug, String name, Region region) {
    public CreateTenant {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
    }

    /** Identifies the request's content, so a reused Idempotency-Key with another body is detected. */
    byte[] fingerprint() {
        return Digests.sha256(slug.value() + "\n" + name + "\n" + region.code());
    }
}
