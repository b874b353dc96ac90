package iru.domain.tenant;

/** Lifecycle of a tenant as the directory routes it. Only `active` tenants are served. */
public enum TenantStatus {
    /** Reserved in the directory; the regional record is being written. Not routable. */
    provisioning,
    active,
    /** Kept but not served (reserved for billing and abuse holds; nothing sets it yet). */
    suspended,
    /** Tombstone: live data removed from the region, the journal kept. Not routable; the slug is free again. */
    deleted
}
