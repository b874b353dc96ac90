package iru.foundation.database;

import iru.foundation.config.Region;

/**
 * Names one of our databases in messages and pool names: the global directory or a regional database. Carries the
 * host and database from the JDBC URL but never its query string, which may hold credentials.
 */
public record DatabaseName(String kind, String location) {

    public static DatabaseName directory(String jdbcUrl) {
        return new DatabaseName("directory", locationOf(jdbcUrl));
    }

    public static DatabaseName region(Region region, String jdbcUrl) {
        return new DatabaseName("region " + region.code() + " (" + region.awsRegion() + ")", locationOf(jdbcUrl));
    }

    static String locationOf(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://", "");
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    @Override
    public String toString() {
        return kind + " database at " + location;
    }
}
