package iru.foundation.config;

/**
 * How many failed authentications each plane accepts per minute before answering 429.
 *
 * @param perSource failures one source address may make per minute (default 20: far more than a person mistyping or a
 *                  client retrying a rotated key, far too few to guess a 256-bit secret)
 * @param perTenant failures per tenant per minute from all addresses together (default 100; on the control plane: for
 *                  the whole plane), bounding the lookups a distributed guesser causes in one tenant's region
 */
public record FailedAuthenticationSettings(int perSource, int perTenant) {
    public FailedAuthenticationSettings {
        if (perSource < 1 || perTenant < 1) {
            throw new IllegalArgumentException("failed-authentication limits must be positive");
        }
    }
}
