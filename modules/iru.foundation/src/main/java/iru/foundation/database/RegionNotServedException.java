package iru.foundation.database;

import iru.foundation.config.Region;

/** The region is real but this deployment has no database for it (for example a `us`-only deployment). */
public final class RegionNotServedException extends RoutingException {
    private final Region region;

    public RegionNotServedException(Region region) {
        super("region " + region.code() + " (" + region.awsRegion() + ") is not served by this deployment");
        this.region = region;
    }

    public Region region() {
        return region;
    }
}
