package iru.domain.tenant;

/** No live tenant with this id or slug. */
public final class TenantNotFoundException extends RuntimeException {
    public TenantNotFoundException(String what) {
        super("no tenant " + what, null, false, false);
    }
}
