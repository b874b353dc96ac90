package iru.domain.tenant;

/** Lifecycle of a tenant as the directory routes it. Only `active` tenants are served. */
public enum TenantStatus {
    /** Reserved in the directory; the regional record is being written. Not routable. */
    provisioning,
    active,
    /** Kept, slug and data included, but not served: the tenant plane answers 403 tenant-suspended until resumed. */
    suspended,
    /** Tombstone: live data removed from the region, the journal kept. Not routable; the slug is free again. */
    deleted
}
