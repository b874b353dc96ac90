/**
 * Translation between the outside world and the use cases: HTTP services for each plane, problem+json rendering,
 * request tracing, and the outbound adapter to the upstream catalog. No business rules live here.
 */
module iru.interfaces {
    requires transitive iru.application;
    requires transitive io.helidon.webserver;
    requires transitive com.fasterxml.jackson.databind;
    requires io.helidon.http;
    requires io.helidon.webclient;
    requires io.helidon.webclient.api;
    requires com.github.benmanes.caffeine;
    requires io.github.bucket4j.core;
    requires structured.fields; // automatic module, named from its jar
    requires scim2.sdk.common; // automatic module, named from its jar (UnboundID SCIM 2 SDK: model and JSON)

    exports iru.interfaces.http;
    exports iru.interfaces.health;
    exports iru.interfaces.dev;
    exports iru.interfaces.control;
    exports iru.interfaces.tenant;
    exports iru.interfaces.catalog;
    exports iru.interfaces.openapi;
    exports iru.interfaces.signin;
    exports iru.interfaces.provisioning to launcher;
}
