package iru.application.signing;

/** The tenant has no active signing key (e.g. created before signing keys existed): activate one first. */
public final class NoActiveSigningKeyException extends RuntimeException {
    public NoActiveSigningKeyException(String tenant) {
        super("tenant " + tenant + " has no active signing key", null, false, false);
    }
}
