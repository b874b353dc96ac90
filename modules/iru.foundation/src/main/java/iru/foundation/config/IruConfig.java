package iru.foundation.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the process reads from its environment, parsed and validated once at startup. A bad value stops the
 * process with {@link InvalidConfigurationException} naming the variable; nothing later re-reads the environment.
 *
 * @param httpPort          port of the plane being started; -1 means the plane's own default
 * @param drainTimeout      how long in-flight requests may run after SIGTERM
 * @param servedRegions     regions this deployment serves; work for any other region is refused, never rerouted
 * @param database          databases and pools
 * @param telemetry         tracing and error capture
 * @param secretsProvider   `dev` (environment and files) or `aws` (Secrets Manager)
 * @param awsSecrets        where Secrets Manager is, when `secretsProvider` is `aws`
 * @param secretsPolicy     how long a rotated-away secret is accepted and a fetched one cached
 * @param failedAuthentications how many failed authentications per minute are answered before 429
 * @param catalogUrl        the upstream template catalog; empty means catalog sync is not configured
 * @param catalogSyncInterval how often the control plane syncs the catalog by itself; zero = only on request
 * @param devRoutes         diagnostic routes used by tests; off by default
 * @param oidc              issuer base URL and signing key rotation
 * @param environment       the raw variables, for components (such as the dev secret store) that read their own
 * @param deployment        `dev` or `production` (`IRU_ENV`); production refuses dev-only settings at startup
 * @param signIn            passkey relying party, enrollment links and session timeouts of the tenant plane
 * @param workers           the provisioning workers: count, own pool, leases, retries
 */
public record IruConfig(
        int httpPort,
        Duration drainTimeout,
        Set<Region> servedRegions,
        DatabaseSettings database,
        TelemetrySettings telemetry,
        String secretsProvider,
        AwsSecretsSettings awsSecrets,
        SecretsPolicy secretsPolicy,
        FailedAuthenticationSettings failedAuthentications,
        Optional<java.net.URI> catalogUrl,
        Duration catalogSyncInterval,
        boolean devRoutes,
        OidcSettings oidc,
        Map<String, String> environment,
        Deployment deployment,
        SignInSettings signIn,
        WorkerSettings workers) {

    /** Variables that carry a database password; production logs in with IAM tokens and must set none of them. */
    private static final List<String> PASSWORD_VARIABLES = List.of("IRU_DB_PASSWORD", "IRU_DB_TENANT_PASSWORD",
            "IRU_DB_CONTROL_PASSWORD");

    public IruConfig {
        servedRegions = Set.copyOf(servedRegions);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(signIn, "signIn");
        Objects.requireNonNull(workers, "workers");
        if (deployment == Deployment.PRODUCTION) {
            refuseDevelopmentSettings(secretsProvider, database, devRoutes, environment);
        }
    }

    /** Whether this process runs in production; the one question other code asks of the deployment. */
    public boolean production() {
        return deployment == Deployment.PRODUCTION;
    }

    /**
     * A production process that starts with a dev convenience left on would run with a weaker guarantee than the
     * operator believes, so each one stops startup naming the variable to change.
     */
    private static void refuseDevelopmentSettings(String secretsProvider, DatabaseSettings database, boolean devRoutes,
            Map<String, String> environment) {
        if (!"aws".equals(secretsProvider)) {
            throw inProduction("iru.secrets.provider", "must be aws (the dev store reads secrets from variables)");
        }
        if (!database.iamAuthentication()) {
            throw inProduction("iru.db.auth", "must be iam (RDS IAM tokens; no standing database password)");
        }
        for (String variable : PASSWORD_VARIABLES) {
            if (!environment.getOrDefault(variable, "").isEmpty()) {
                throw inProduction(EnvironmentKeys.VARIABLE_TO_KEY.get(variable),
                        "must not be set (production logs in with IAM tokens)");
            }
        }
        if (!database.owner().password().isEmpty()
                || database.runtimeRoles().stream().anyMatch(role -> !role.password().isEmpty())) {
            throw inProduction("iru.db.password", "no database password may be configured (IAM tokens only)");
        }
        if (devRoutes) {
            throw inProduction("iru.dev.routes", "must be false (diagnostic routes are for tests)");
        }
    }

    private static InvalidConfigurationException inProduction(String key, String problem) {
        return new InvalidConfigurationException(EnvironmentKeys.describe(key), problem + " when IRU_ENV=production");
    }

    @Override
    public String toString() {
        return "IruConfig[deployment=" + deployment.code() + ", httpPort=" + httpPort + ", regions=" + servedRegions
                + ", database=" + database + "]";
    }

    /** Reads the process environment over the bundled defaults. */
    public static IruConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the given variables over the bundled defaults; tests pass their own map. */
    public static IruConfig from(Map<String, String> environment) {
        Map<String, String> overrides = new HashMap<>();
        EnvironmentKeys.VARIABLE_TO_KEY.forEach((variable, key) -> {
            String value = environment.get(variable);
            if (value != null) {
                overrides.put(key, value);
            }
        });
        Config config = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(overrides).build())
                .addSource(ConfigSources.classpath("application.yaml").build())
                .build();
        return parse(new Reader(config), environment);
    }

    private static IruConfig parse(Reader r, Map<String, String> environment) {
        Deployment deployment = Deployment.fromCode(r.oneOf("iru.env", Set.of("dev", "production")));
        int port = r.integer("iru.http.port", -1, 65535);
        Duration drain = Duration.ofSeconds(r.integer("iru.shutdown.drain-seconds", 0, 600));
        Set<Region> regions = r.regions("iru.regions");
        Map<Region, String> urls = new EnumMap<>(Region.class);
        for (Region region : regions) {
            urls.put(region, r.jdbcUrl("iru.db." + region.code() + "-url"));
        }
        r.distinct("iru.db.control-user", "iru.db.tenant-user");
        boolean iam = r.oneOf("iru.db.auth", Set.of("password", "iam")).equals("iam");
        if (iam) {
            r.verifiedTlsOnly(regions.stream().map(region -> "iru.db." + region.code() + "-url").toList());
            r.verifiedTlsOnly(List.of("iru.db.directory-url"));
        }
        // With IAM tokens no password is read at all, so none can reach a pool, a log line or a config dump.
        boolean passwords = deployment == Deployment.DEV && !iam;
        DatabaseSettings database = new DatabaseSettings(
                r.jdbcUrl("iru.db.directory-url"),
                urls,
                new DatabaseCredentials(r.nonBlank("iru.db.user"), iam ? "" : r.text("iru.db.password")),
                new DatabaseCredentials(r.nonBlank("iru.db.tenant-user"), passwords ? r.text("iru.db.tenant-password") : ""),
                new DatabaseCredentials(r.nonBlank("iru.db.control-user"), passwords ? r.text("iru.db.control-password") : ""),
                r.integer("iru.db.pool-max", 1, 500),
                Duration.ofSeconds(r.integer("iru.db.connect-timeout-seconds", 1, 60)),
                iam,
                r.optionalText("iru.db.directory-aws-region").orElse(r.nonBlank("iru.aws.region")),
                r.connectionLifetime("iru.db.max-lifetime-seconds", iam),
                java.nio.file.Path.of(r.nonBlank("iru.db.ssl-root-cert")));
        TelemetrySettings telemetry = new TelemetrySettings(
                r.optionalUrl("iru.telemetry.otlp-endpoint"),
                "iru",
                r.optionalText("iru.telemetry.sentry-dsn"),
                r.fraction("iru.telemetry.error-sample-rate"),
                r.fraction("iru.telemetry.trace-sample-ratio"));
        String secrets = r.oneOf("iru.secrets.provider", Set.of("dev", "aws"));
        AwsSecretsSettings aws = new AwsSecretsSettings(r.nonBlank("iru.aws.region"),
                r.optionalUrl("iru.secrets.endpoint").map(java.net.URI::create), r.text("iru.secrets.prefix"));
        SecretsPolicy secretsPolicy = new SecretsPolicy(
                Duration.ofSeconds(r.integer("iru.secrets.previous-grace-seconds", 0, 7 * 24 * 3600)),
                Duration.ofSeconds(r.integer("iru.secrets.cache-seconds", 0, 300)),
                Duration.ofSeconds(r.integer("iru.secrets.kek-rewrap-seconds", 1, 24 * 3600)));
        Optional<java.net.URI> catalog = r.optionalUrl("iru.catalog.url").map(java.net.URI::create);
        Duration syncInterval = Duration.ofSeconds(r.integer("iru.catalog.sync-interval-seconds", 0, 7 * 24 * 3600));
        boolean devRoutes = r.bool("iru.dev.routes");
        FailedAuthenticationSettings failedAuthentications = new FailedAuthenticationSettings(
                r.integer("iru.auth.failures-per-source", 1, 1_000_000),
                r.integer("iru.auth.failures-per-tenant", 1, 1_000_000));
        OidcSettings oidc = r.oidc("iru.oidc.public-base-url", "iru.oidc.signing-key-retire-grace-seconds");
        return new IruConfig(port, drain, regions, database, telemetry, secrets, aws, secretsPolicy,
                failedAuthentications, catalog, syncInterval, devRoutes, oidc, environment, deployment, signIn(r),
                workers(r));
    }

    private static WorkerSettings workers(Reader r) {
        boolean enabled = switch (r.oneOf("iru.workers.enabled", Set.of("on", "off"))) {
            case "on" -> true;
            default -> false;
        };
        int deliveryTimeout = r.integer("iru.workers.delivery-timeout-seconds", 1, 600);
        int lease = r.integer("iru.workers.lease-seconds", 2, 3600);
        if (lease <= deliveryTimeout) {
            throw Reader.invalid("iru.workers.lease-seconds", "must be longer than "
                    + EnvironmentKeys.describe("iru.workers.delivery-timeout-seconds") + " (" + deliveryTimeout + ")");
        }
        return new WorkerSettings(enabled, r.integer("iru.workers.count", 1, 64),
                r.integer("iru.workers.pool-max", 1, 100), r.integer("iru.workers.batch", 1, 100),
                Duration.ofSeconds(lease), Duration.ofSeconds(deliveryTimeout),
                r.integer("iru.workers.max-attempts", 1, 1000),
                Duration.ofMillis(r.integer("iru.workers.backoff-base-millis", 1, 3_600_000)),
                Duration.ofSeconds(r.integer("iru.workers.backoff-cap-seconds", 1, 24 * 3600)),
                Duration.ofMillis(r.integer("iru.workers.poll-millis", 10, 60_000)), Duration.ofSeconds(5));
    }

    private static SignInSettings signIn(Reader r) {
        try {
            return new SignInSettings(java.net.URI.create(r.optionalUrl("iru.oidc.public-base-url")
                            .orElse("http://localhost:8080").replaceAll("/+$", "")),
                    r.nonBlank("iru.webauthn.rp-id"),
                    java.util.Arrays.stream(r.nonBlank("iru.webauthn.origins").split(",")).map(String::strip)
                            .filter(o -> !o.isEmpty()).toList(),
                    Duration.ofHours(r.integer("iru.signin.enrollment-hours", 1, 24 * 30)),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(r.integer("iru.signin.session-idle-minutes", 1, 24 * 60)),
                    Duration.ofHours(r.integer("iru.signin.session-absolute-hours", 1, 24 * 30)));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("IRU_WEBAUTHN_RP_ID / IRU_WEBAUTHN_ORIGINS / IRU_PUBLIC_BASE_URL / "
                    + "IRU_SESSION_*", e.getMessage());
        }
    }

    /** Reads one key at a time and turns every bad value into an error that names it. */
    private record Reader(Config config) {
        String text(String key) {
            return config.get(key).asString().orElse("");
        }

        /** Two planes sharing one database role would share each other's grants. */
        void distinct(String key, String other) {
            if (text(key).strip().equals(text(other).strip())) {
                throw invalid(key, "must differ from " + EnvironmentKeys.describe(other)
                        + ": each plane has its own database role");
            }
        }

        String nonBlank(String key) {
            String value = text(key).strip();
            if (value.isEmpty()) {
                throw invalid(key, "must not be empty");
            }
            return value;
        }

        /**
         * Pooled connections must be replaced before their IAM token expires (RDS checks the token only at login,
         * but a connection older than its credential defeats rotating it), so IAM refuses a longer lifetime.
         */
        Duration connectionLifetime(String key, boolean iam) {
            long max = iam ? DatabaseSettings.IAM_TOKEN_LIFETIME.toSeconds() - 1 : 24 * 3600;
            int seconds = integer(key, (int) DatabaseSettings.MIN_LIFETIME.toSeconds(), Integer.MAX_VALUE);
            if (seconds > max) {
                throw invalid(key, iam ? "must be below the RDS IAM token lifetime ("
                        + DatabaseSettings.IAM_TOKEN_LIFETIME.toSeconds() + " s) with IRU_DB_AUTH=iam, got " + seconds
                        : "must be at most " + max + ", got " + seconds);
            }
            return Duration.ofSeconds(seconds);
        }

        /**
         * IAM logins always verify TLS (`sslmode=verify-full` against the configured CA bundle); a URL that asks for
         * weaker TLS would override that in the driver, so it is refused rather than silently corrected.
         */
        void verifiedTlsOnly(List<String> urlKeys) {
            for (String key : urlKeys) {
                String url = text(key);
                DatabaseSettings.tlsParameterIn(url).ifPresent(parameter -> {
                    throw invalid(key, "must not set '" + parameter + "' with IRU_DB_AUTH=iam (TLS is always"
                            + " sslmode=verify-full against IRU_DB_SSL_ROOT_CERT)");
                });
            }
        }

        Optional<String> optionalText(String key) {
            String value = text(key).strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        Optional<String> optionalUrl(String key) {
            Optional<String> value = optionalText(key);
            value.ifPresent(v -> {
                if (!v.startsWith("http://") && !v.startsWith("https://")) {
                    throw invalid(key, "must be an http(s) URL, got '" + v + "'");
                }
            });
            return value;
        }

        int integer(String key, int min, int max) {
            String value = nonBlank(key);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw invalid(key, "must be between " + min + " and " + max + ", got " + parsed);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw invalid(key, "must be an integer, got '" + value + "'");
            }
        }

        double fraction(String key) {
            String value = nonBlank(key);
            try {
                double parsed = Double.parseDouble(value);
                if (!(parsed >= 0.0 && parsed <= 1.0)) {
                    throw invalid(key, "must be between 0 and 1, got " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw invalid(key, "must be a number between 0 and 1, got '" + value + "'");
            }
        }

        boolean bool(String key) {
            String value = nonBlank(key);
            return switch (value) {
                case "true" -> true;
                case "false" -> false;
                default -> throw invalid(key, "must be true or false, got '" + value + "'");
            };
        }

        String oneOf(String key, Set<String> allowed) {
            String value = nonBlank(key);
            if (!allowed.contains(value)) {
                throw invalid(key, "must be one of " + allowed + ", got '" + value + "'");
            }
            return value;
        }

        String jdbcUrl(String key) {
            String value = nonBlank(key);
            if (!value.startsWith("jdbc:postgresql://")) {
                throw invalid(key, "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
            }
            return value;
        }

        OidcSettings oidc(String baseUrlKey, String graceKey) {
            String base = nonBlank(baseUrlKey);
            Duration grace = Duration.ofSeconds(integer(graceKey, 1, 30 * 24 * 3600));
            try {
                return new OidcSettings(java.net.URI.create(base), grace);
            } catch (IllegalArgumentException e) {
                throw invalid(baseUrlKey, e.getMessage() + ", got '" + base + "'");
            }
        }

        Set<Region> regions(String key) {
            Set<Region> regions = EnumSet.noneOf(Region.class);
            for (String code : nonBlank(key).split(",")) {
                String trimmed = code.strip();
                Region region = Region.fromCode(trimmed)
                        .orElseThrow(() -> invalid(key, "unknown region '" + trimmed + "' (known: us, eu)"));
                regions.add(region);
            }
            return regions;
        }

        private static InvalidConfigurationException invalid(String key, String problem) {
            return new InvalidConfigurationException(EnvironmentKeys.describe(key), problem);
        }
    }
}
