package iru.application.oauth;

/** A JWK set offered as a client's `private_key_jwt` keys that is not a set of acceptable public signing keys. */
public final class InvalidClientKeysException extends RuntimeException {
    public InvalidClientKeysException(String reason) {
        super(reason, null, false, false);
    }
}
