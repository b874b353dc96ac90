package iru.foundation.database;

/**
 * Who is acting, for the audit journal: bound by the interface layer once the caller is authenticated and written
 * into every routed transaction (`iru.actor`) where the journal triggers read it.
 */
public final class AuditActor {
    public static final ScopedValue<String> CURRENT = ScopedValue.newInstance();

    private AuditActor() {
    }
}
