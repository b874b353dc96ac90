package iru.interfaces.http;

/**
 * The tenant and region a request was routed to, registered in the request's context by the tenant routing filter
 * so that the access line written after the route has finished still carries them.
 */
public record RequestTenant(String tenantId, String region) {
}
