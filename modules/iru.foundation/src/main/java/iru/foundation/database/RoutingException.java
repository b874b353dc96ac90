package iru.foundation.database;

/**
 * Work that cannot be routed to a regional database. Nothing has run when this is thrown: residency is never
 * satisfied by falling back to another region.
 */
public abstract sealed class RoutingException extends RuntimeException
        permits RegionUnresolvableException, RegionNotServedException {
    RoutingException(String message) {
        super(message);
    }
}
