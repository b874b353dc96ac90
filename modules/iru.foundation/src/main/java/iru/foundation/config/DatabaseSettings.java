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
 * @param runtime        the runtime role (`iru_app`): owns nothing, cannot bypass row-level security
 * @param poolMax        maximum connections per pool; bounded so one region cannot starve the database server
 * @param connectTimeout how long a pool waits for its database at startup before the process gives up
 */
public record DatabaseSettings(
        String directoryUrl,
        Map<Region, String> regionUrls,
        DatabaseCredentials owner,
        DatabaseCredentials runtime,
        int poolMax,
        Duration connectTimeout) {

    public DatabaseSettings {
        Objects.requireNonNull(directoryUrl, "directoryUrl");
        regionUrls = Map.copyOf(regionUrls);
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(runtime, "runtime");
        if (poolMax < 1 || poolMax > 500) {
            throw new IllegalArgumentException("poolMax must be between 1 and 500");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    public String regionUrl(Region region) {
        String url = regionUrls.get(region);
        if (url == null) {
            throw new IllegalStateException("no database configured for region " + region);
        }
        return url;
    }
}
