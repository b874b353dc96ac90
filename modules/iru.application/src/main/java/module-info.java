/** Use cases, one class per family; every transaction begins here. */
module iru.application {
    requires transitive iru.domain;
    requires transitive com.nimbusds.jose.jwt; // TokenSigner signs Nimbus claims sets; the JWKS is a Nimbus JWKSet
    requires com.github.benmanes.caffeine;
    requires com.webauthn4j.core;

    exports iru.application.health;
    exports iru.application.tenant;
    exports iru.application.identity;
    exports iru.application.apikey;
    exports iru.application.catalog;
    exports iru.application.event;
    exports iru.application.operator;
    exports iru.application.signing;
    exports iru.application.passkey;
    exports iru.application.session;
    exports iru.application.oauth;
    exports iru.application.provisioning;
}
