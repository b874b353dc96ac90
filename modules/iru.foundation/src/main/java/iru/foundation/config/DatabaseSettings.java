package iru.foundation.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where the databases are and how big their pools may grow.
 *
 * @param directoryUrl   JDBC URL of the global directory database (routing facts only)
 * @param regionUrls     JDBC URL of each regional database, for every region this deployment serves
 * @param owner          the schema owner: runs migrations, never used to serve requests
 * @param tenantRuntime  the tenant plane's runtime role (`iru_tenant`): owns nothing, cannot bypass row-level
 *                       security, cannot write the directory or the catalog
 * @param controlRuntime the control plane's runtime role (`iru_control`): owns nothing, cannot read or write users,
 *                       groups or applications
 * @param poolMax        maximum connections per pool; bounded so one region cannot starve the database server
 * @param connectTimeout how long a pool waits for its database at startup before the process gives up, and how
 *                       long a request waits for a connection before it is refused (plus at most half of it for
 *                       validating a borrowed idle connection)
 * @param iamAuthentication log in with RDS IAM tokens instead of passwords (AWS: no standing database password)
 * @param directoryAwsRegion the AWS region of the directory database, for signing its IAM tokens
 * @param maxLifetime    how long a pooled connection lives before the pool replaces it; with IAM logins below the
 *                       token lifetime, so a connection never outlives the credential it was opened with
 * @param sslRootCert    the CA bundle (PEM) that IAM logins verify the server certificate and host name against
 */
public record DatabaseSettings(
        String directoryUrl,
        Map<Region, String> regionUrls,
        DatabaseCredentials owner,
        DatabaseCredentials tenantRuntime,
        DatabaseCredentials controlRuntime,
        int poolMax,
        Duration connectTimeout,
        boolean iamAuthentication,
        String directoryAwsRegion,
        Duration maxLifetime,
        Path sslRootCert) {

    /** How long an RDS IAM authentication token is valid (AWS: 15 minutes). */
    public static final Duration IAM_TOKEN_LIFETIME = Duration.ofMinutes(15);
    /** HikariCP refuses shorter lifetimes. */
    public static final Duration MIN_LIFETIME = Duration.ofSeconds(30);

    public DatabaseSettings {
        Objects.requireNonNull(directoryUrl, "directoryUrl");
        regionUrls = Map.copyOf(regionUrls);
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(tenantRuntime, "tenantRuntime");
        Objects.requireNonNull(controlRuntime, "controlRuntime");
        if (tenantRuntime.user().equals(controlRuntime.user())) {
            throw new IllegalArgumentException("the tenant and control planes need separate database roles");
        }
        if (poolMax < 1 || poolMax > 500) {
            throw new IllegalArgumentException("poolMax must be between 1 and 500");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(directoryAwsRegion, "directoryAwsRegion");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(sslRootCert, "sslRootCert");
        if (maxLifetime.compareTo(MIN_LIFETIME) < 0) {
            throw new IllegalArgumentException("maxLifetime must be at least " + MIN_LIFETIME.toSeconds() + " s");
        }
        if (iamAuthentication && maxLifetime.compareTo(IAM_TOKEN_LIFETIME) >= 0) {
            throw new IllegalArgumentException("maxLifetime must be below the IAM token lifetime ("
                    + IAM_TOKEN_LIFETIME.toSeconds() + " s) when logging in with IAM tokens");
        }
    }

    /** Both runtime roles, tenant plane first. */
    public List<DatabaseCredentials> runtimeRoles() {
        return List.of(tenantRuntime, controlRuntime);
    }

    /** The AWS region the database at `jdbcUrl` runs in: its region's, or the directory's. */
    public String awsRegionOf(String jdbcUrl) {
        return regionUrls.entrySet().stream().filter(e -> e.getValue().equals(jdbcUrl))
                .map(e -> e.getKey().awsRegion()).findFirst().orElse(directoryAwsRegion);
    }

    /** JDBC URL parameters that would weaken or replace the driver's TLS verification. */
    private static final Set<String> TLS_PARAMETERS = Set.of("ssl", "sslmode", "sslfactory",
            "sslfactoryarg", "sslrootcert", "sslhostnameverifier", "sslnegotiation", "sslcert", "sslkey",
            "sslpassword", "sslpasswordcallback");

    /**
     * The first TLS parameter in a JDBC URL's query, if any. The PostgreSQL driver lets URL parameters override
     * connection properties, so IAM logins (which always verify TLS) refuse such a URL rather than be overridden.
     */
    public static Optional<String> tlsParameterIn(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        return Arrays.stream(jdbcUrl.substring(query + 1).toLowerCase(Locale.ROOT).split("&"))
                .map(parameter -> parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter)
                .filter(TLS_PARAMETERS::contains)
                .findFirst();
    }

    public String regionUrl(Region region) {
        String url = regionUrls.get(region);
        if (url == null) {
            throw new IllegalStateException("no database configured for region " + region);
        }
        return url;
    }
}
