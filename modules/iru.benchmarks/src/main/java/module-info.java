/** Hot paths measured against the real PostgreSQL; prints figures, asserts nothing. */
module iru.benchmarks {
    requires iru.application;
    requires iru.testkit;
}
