package iru.foundation.database;

/** The work named no region, or a region code nobody knows. */
public final class RegionUnresolvableException extends RoutingException {
    public RegionUnresolvableException(String detail) {
        super("region cannot be resolved: " + detail);
    }
}
