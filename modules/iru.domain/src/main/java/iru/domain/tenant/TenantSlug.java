package iru.domain.tenant;

import iru.domain.validation.InvalidFieldException;
import java.util.regex.Pattern;

/** The tenant's short name in URLs (`/t/{slug}/…`): 3–63 of `a-z`, `0-9` and `-`. */
public record TenantSlug(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9-]{3,63}");

    public TenantSlug {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new InvalidFieldException("slug", "must be 3 to 63 characters of a-z, 0-9 and '-'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
