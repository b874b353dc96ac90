package iru.foundation.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

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
 * @param connectTimeout how long a pool waits for its database at startup before the process gives up
 * @param iamAuthentication log in with RDS IAM tokens instead of passwords (AWS: no standing database password)
 * @param directoryAwsRegion the AWS region of the directory database, for signing its IAM tokens
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
        String directoryAwsRegion) {

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
    }

    /** Both runtime roles, tenant plane first. */
    public java.util.List<DatabaseCredentials> runtimeRoles() {
        return java.util.List.of(tenantRuntime, controlRuntime);
    }

    /** The AWS region the database at `jdbcUrl` runs in: its region's, or the directory's. */
    public String awsRegionOf(String jdbcUrl) {
        return regionUrls.entrySet().stream().filter(e -> e.getValue().equals(jdbcUrl))
                .map(e -> e.getKey().awsRegion()).findFirst().orElse(directoryAwsRegion);
    }

    public String regionUrl(Region region) {
        String url = regionUrls.get(region);
        if (url == null) {
            throw new IllegalStateException("no database configured for region " + region);
        }
        return url;
    }
}
