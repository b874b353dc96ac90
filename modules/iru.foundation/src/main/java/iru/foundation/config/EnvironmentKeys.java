package iru.foundation.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The documented environment contract: each variable and the configuration key it overrides. An explicit table
 * rather than a naming convention, so the README, the error messages and the code agree on one list.
 */
public final class EnvironmentKeys {
    static final Map<String, String> VARIABLE_TO_KEY;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("IRU_ENV", "iru.env");
        m.put("IRU_HTTP_PORT", "iru.http.port");
        m.put("IRU_SHUTDOWN_DRAIN_SECONDS", "iru.shutdown.drain-seconds");
        m.put("IRU_REGIONS", "iru.regions");
        m.put("IRU_DB_DIRECTORY_URL", "iru.db.directory-url");
        m.put("IRU_DB_US_URL", "iru.db.us-url");
        m.put("IRU_DB_EU_URL", "iru.db.eu-url");
        m.put("IRU_DB_USER", "iru.db.user");
        m.put("IRU_DB_PASSWORD", "iru.db.password");
        m.put("IRU_DB_TENANT_USER", "iru.db.tenant-user");
        m.put("IRU_DB_TENANT_PASSWORD", "iru.db.tenant-password");
        m.put("IRU_DB_CONTROL_USER", "iru.db.control-user");
        m.put("IRU_DB_CONTROL_PASSWORD", "iru.db.control-password");
        m.put("IRU_POOL_MAX", "iru.db.pool-max");
        m.put("IRU_DB_CONNECT_TIMEOUT_SECONDS", "iru.db.connect-timeout-seconds");
        m.put("OTEL_EXPORTER_OTLP_ENDPOINT", "iru.telemetry.otlp-endpoint");
        m.put("IRU_SENTRY_DSN", "iru.telemetry.sentry-dsn");
        m.put("IRU_SENTRY_SAMPLE_RATE", "iru.telemetry.error-sample-rate");
        m.put("IRU_TRACE_SAMPLE_RATIO", "iru.telemetry.trace-sample-ratio");
        m.put("IRU_SECRETS", "iru.secrets.provider");
        m.put("IRU_DEV_ROUTES", "iru.dev.routes");
        m.put("IRU_CATALOG_URL", "iru.catalog.url");
        m.put("IRU_CATALOG_SYNC_INTERVAL_SECONDS", "iru.catalog.sync-interval-seconds");
        m.put("IRU_AWS_REGION", "iru.aws.region");
        m.put("IRU_DB_AUTH", "iru.db.auth");
        m.put("IRU_DB_SSL_ROOT_CERT", "iru.db.ssl-root-cert");
        m.put("IRU_DB_MAX_LIFETIME_SECONDS", "iru.db.max-lifetime-seconds");
        m.put("IRU_DB_DIRECTORY_AWS_REGION", "iru.db.directory-aws-region");
        m.put("IRU_SECRETS_ENDPOINT", "iru.secrets.endpoint");
        m.put("IRU_SECRETS_PREFIX", "iru.secrets.prefix");
        m.put("IRU_SECRETS_PREVIOUS_GRACE_SECONDS", "iru.secrets.previous-grace-seconds");
        m.put("IRU_SECRETS_CACHE_SECONDS", "iru.secrets.cache-seconds");
        m.put("IRU_SIGNING_KEK_REWRAP_SECONDS", "iru.secrets.kek-rewrap-seconds");
        m.put("IRU_AUTH_FAILURES_PER_SOURCE", "iru.auth.failures-per-source");
        m.put("IRU_AUTH_FAILURES_PER_TENANT", "iru.auth.failures-per-tenant");
        m.put("IRU_PUBLIC_BASE_URL", "iru.oidc.public-base-url");
        m.put("IRU_SIGNING_KEY_RETIRE_GRACE_SECONDS", "iru.oidc.signing-key-retire-grace-seconds");
        m.put("IRU_WEBAUTHN_RP_ID", "iru.webauthn.rp-id");
        m.put("IRU_WEBAUTHN_ORIGINS", "iru.webauthn.origins");
        m.put("IRU_ENROLLMENT_TTL_HOURS", "iru.signin.enrollment-hours");
        m.put("IRU_SESSION_IDLE_MINUTES", "iru.signin.session-idle-minutes");
        m.put("IRU_SESSION_ABSOLUTE_HOURS", "iru.signin.session-absolute-hours");
        m.put("IRU_WORKERS", "iru.workers.enabled");
        m.put("IRU_WORKER_COUNT", "iru.workers.count");
        m.put("IRU_WORKER_POOL_MAX", "iru.workers.pool-max");
        m.put("IRU_WORKER_BATCH", "iru.workers.batch");
        m.put("IRU_WORKER_LEASE_SECONDS", "iru.workers.lease-seconds");
        m.put("IRU_WORKER_DELIVERY_TIMEOUT_SECONDS", "iru.workers.delivery-timeout-seconds");
        m.put("IRU_WORKER_MAX_ATTEMPTS", "iru.workers.max-attempts");
        m.put("IRU_WORKER_BACKOFF_BASE_MILLIS", "iru.workers.backoff-base-millis");
        m.put("IRU_WORKER_BACKOFF_CAP_SECONDS", "iru.workers.backoff-cap-seconds");
        m.put("IRU_WORKER_POLL_MILLIS", "iru.workers.poll-millis");
        VARIABLE_TO_KEY = Map.copyOf(m);
    }

    private EnvironmentKeys() {
    }

    /** The environment variable that overrides a configuration key, for error messages. */
    static String describe(String key) {
        return VARIABLE_TO_KEY.entrySet().stream()
                .filter(e -> e.getValue().equals(key))
                .map(e -> e.getKey() + " (" + key + ")")
                .findFirst()
                .orElse(key);
    }
}
