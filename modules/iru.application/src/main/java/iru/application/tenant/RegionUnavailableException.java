package iru.application.tenant;

/** A tenant was asked for in a region this deployment does not serve (or one nobody knows). */
public final class RegionUnavailableException extends RuntimeException {
    public RegionUnavailableException(String region) {
        super("region '" + region + "' is not available here", null, false, false);
    }
}
