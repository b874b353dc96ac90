/** The business: tenants, users, groups, applications, audit. Records, invariants and repository interfaces. */
module iru.domain {
    requires transitive iru.foundation;

    exports iru.domain.tenant;
}
