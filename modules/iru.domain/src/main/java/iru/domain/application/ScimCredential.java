package iru.domain.application;

import iru.domain.tenant.TenantId;
import iru.domain.validation.InvalidFieldException;
import java.util.UUID;

/**
 * The credential our provisioning presents to an application's SCIM endpoint (a bearer token), on its way into the
 * secret store. Never printed, never stored in the database, never returned by the API.
 */
public final class ScimCredential {
    public static final String FIELD = "bearerToken";
    public static final int MAX_LENGTH = 4096;

    private final String value;

    /** Refuses an empty, oversized or control-character-bearing value: it would end up in an HTTP header. */
    public ScimCredential(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(FIELD, "is required and must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidFieldException(FIELD, "must be at most " + MAX_LENGTH + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidFieldException(FIELD, "must not contain control characters (no line breaks)");
        }
        this.value = value;
    }

    /**
     * Where the platform keeps an application's credential. Derived from ids only, so no tenant can name another
     * tenant's secret, or one of ours.
     */
    public static String secretName(TenantId tenant, UUID appId) {
        return "scim/" + tenant.value() + "/" + appId;
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "ScimCredential[redacted]";
    }
}
