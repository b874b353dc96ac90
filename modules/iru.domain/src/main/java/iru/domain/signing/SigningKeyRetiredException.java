package iru.domain.signing;

/** A retired key cannot sign again: relying parties no longer see it, so its tokens would not verify. */
public final class SigningKeyRetiredException extends RuntimeException {
    public SigningKeyRetiredException(String kid) {
        super("signing key " + kid + " is retired", null, false, false);
    }
}
