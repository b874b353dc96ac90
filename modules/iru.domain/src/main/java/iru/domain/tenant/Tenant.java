package iru.domain.tenant;

import iru.domain.common.Text;
import iru.domain.validation.InvalidFieldException;
import iru.foundation.config.Region;
import java.time.Instant;
import java.util.Objects;

/** The tenant record held in its region's database: the truth the router checks. */
public record Tenant(TenantId id, TenantSlug slug, String name, Region region, TenantStatus status, Instant createdAt) {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_STATUS_REASON_LENGTH = 500;

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(status, "status");
        name = requireName(name);
    }

    public static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidFieldException("name", "must not be empty");
        }
        String stripped = name.strip();
        if (stripped.length() > MAX_NAME_LENGTH) {
            throw new InvalidFieldException("name", "must be at most " + MAX_NAME_LENGTH + " characters");
        }
        return stripped;
    }

    /** Why an operator suspends or resumes a tenant: required, so the journal entry of the change says why. */
    public static String requireStatusReason(String reason) {
        return Text.required("reason", reason, MAX_STATUS_REASON_LENGTH);
    }
}
