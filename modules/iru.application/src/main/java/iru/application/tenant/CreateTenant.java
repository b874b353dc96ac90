package iru.application.tenant;

import iru.domain.tenant.TenantSlug;
import iru.foundation.config.Region;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        try {
            return MessageDigest.getInstance("SHA-256").digest(
                    (slug.value() + "\n" + name + "\n" + region.code()).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
