package iru.foundation.crypto;

/**
 * A sealed value could not be opened: it was altered, moved to another context (tenant, key id), or sealed under a
 * key-encryption key that is neither the current one nor a still-accepted previous one. Never carries key material.
 */
public final class EnvelopeDecryptionException extends RuntimeException {
    public EnvelopeDecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
