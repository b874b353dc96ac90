/**
 * Translation between the outside world and the use cases: HTTP services for each plane, problem+json rendering,
 * request tracing. No business rules live here.
 */
module iru.interfaces {
    requires transitive iru.application;
    requires transitive io.helidon.webserver;
    requires io.helidon.http;
    requires transitive com.fasterxml.jackson.databind;

    exports iru.interfaces.http;
    exports iru.interfaces.health;
    exports iru.interfaces.dev;
    exports iru.interfaces.control;
    exports iru.interfaces.tenant;
}
