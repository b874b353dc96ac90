/** The business: tenants, users, groups, applications, API keys, the catalog. Records, invariants, repositories. */
module iru.domain {
    requires transitive iru.foundation;

    exports iru.domain.tenant;
    exports iru.domain.validation;
    exports iru.domain.common;
    exports iru.domain.apikey;
    exports iru.domain.user;
    exports iru.domain.group;
    exports iru.domain.application;
    exports iru.domain.catalog;
    exports iru.domain.event;
    exports iru.domain.operator;
    exports iru.domain.signing;
    exports iru.domain.passkey;
    exports iru.domain.session;
    exports iru.domain.oauth;
    exports iru.domain.provisioning;

    // Hibernate reads and writes entity fields reflectively; nobody else may.
    opens iru.domain.common to org.hibernate.orm.core;
    opens iru.domain.tenant to org.hibernate.orm.core;
    opens iru.domain.user to org.hibernate.orm.core;
    opens iru.domain.group to org.hibernate.orm.core;
    opens iru.domain.application to org.hibernate.orm.core;
}
