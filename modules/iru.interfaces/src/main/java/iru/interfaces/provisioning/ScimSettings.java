package iru.interfaces.provisioning;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How provisioning talks to applications' SCIM endpoints.
 *
 * @param timeout           connect and read timeout of each SCIM call (`IRU_SCIM_TIMEOUT_SECONDS`, default 10): a
 *                          hanging application costs a worker at most this per call, then the task is retried later
 * @param reconcileInterval how often every provisioned application is reconciled (`IRU_SCIM_RECONCILE_INTERVAL_SECONDS`,
 *                          default 3600; 0 turns the periodic pass off, the on-demand endpoint stays)
 * @param pageSize          resources asked for per `GET /Users` / `GET /Groups` page while reconciling
 *                          (`IRU_SCIM_PAGE_SIZE`, default 100: what most service providers allow per page)
 */
public record ScimSettings(Duration timeout, Duration reconcileInterval, int pageSize) {
    public static final ScimSettings DEFAULTS = new ScimSettings(Duration.ofSeconds(10), Duration.ofHours(1), 100);

    public ScimSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        if (!timeout.isPositive() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("the SCIM timeout must be between 1 ms and 5 minutes");
        }
        if (reconcileInterval.isNegative()) {
            throw new IllegalArgumentException("the reconcile interval must not be negative");
        }
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("the SCIM page size must be between 1 and 1000");
        }
    }

    /** From `IRU_SCIM_*` environment variables, defaults for those not set. */
    public static ScimSettings from(Map<String, String> environment) {
        return new ScimSettings(
                Duration.ofSeconds(number(environment, "IRU_SCIM_TIMEOUT_SECONDS", DEFAULTS.timeout().toSeconds())),
                Duration.ofSeconds(number(environment, "IRU_SCIM_RECONCILE_INTERVAL_SECONDS",
                        DEFAULTS.reconcileInterval().toSeconds())),
                (int) number(environment, "IRU_SCIM_PAGE_SIZE", DEFAULTS.pageSize()));
    }

    private static long number(Map<String, String> environment, String key, long fallback) {
        String value = environment.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
    }
}
