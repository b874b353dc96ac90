package iru.domain.tenant;

/** The tenant exists but is suspended: nothing is served for it, and nothing is issued to it, until it is resumed. */
public final class TenantSuspendedException extends RuntimeException {
    public TenantSuspendedException(String what) {
        super("tenant " + what + " is suspended", null, false, false);
    }
}
