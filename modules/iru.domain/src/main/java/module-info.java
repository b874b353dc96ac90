/** The business: tenants, users, groups, applications, audit. Records, invariants and repositories. */
module iru.domain {
    requires transitive iru.foundation;

    exports iru.domain.tenant;
    exports iru.domain.validation;
}
